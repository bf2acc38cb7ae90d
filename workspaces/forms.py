"""Forms for workspaces, members and API tokens."""

import zoneinfo

from django import forms

from workspaces.models import Role

TIMEZONES = sorted(zoneinfo.available_timezones())


class WorkspaceForm(forms.Form):
    name = forms.CharField(max_length=120)
    timezone = forms.ChoiceField(choices=[(tz, tz) for tz in TIMEZONES], initial="UTC")


class MemberForm(forms.Form):
    username = forms.CharField(max_length=254, label="User name or email")
    role = forms.ChoiceField(choices=Role.choices, initial=Role.MEMBER)


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What will use it, e.g. 'Salesforce sync'.")
    can_write = forms.BooleanField(
        required=False, initial=True, label="Can write", help_text="Untick for a read-only token."
    )
