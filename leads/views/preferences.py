"""The lead preferences page: the form and the history of changes."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import render

from leads.forms.preferences import PreferencesForm
from leads.services.preferences import get_preferences, preference_history, update_preferences
from workspaces.access import workspace_view
from workspaces.htmx import redirect_after_post


def _shown(value):
    if value in (None, [], ""):
        return "–"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _history_rows(workspace):
    rows = []
    for revision in preference_history(workspace):
        revision.change_rows = [
            (name.replace("_", " "), _shown(before), _shown(after))
            for name, (before, after) in revision.changed.items()
        ]
        rows.append(revision)
    return rows


@workspace_view
def preferences(request):
    current = get_preferences(request.workspace)
    if request.method == "POST":
        if not request.membership.can_write:
            raise PermissionDenied("Viewers can look but not change anything in this workspace.")
        form = PreferencesForm(request.POST)
        if form.is_valid():
            try:
                update_preferences(request.workspace, form.cleaned_data, actor=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Preferences saved. The next recipe runs are filtered with them.")
                return redirect_after_post(request, "leads:preferences")
        status = 400
    else:
        form = PreferencesForm(initial=PreferencesForm.initial_from(current))
        status = 200
    context = {"form": form, "preferences": current, "history": _history_rows(request.workspace)}
    return render(request, "leads/preferences.html", context, status=status)
