"""The lead preferences form (lists as comma- or line-separated text)."""

from django import forms

from leads.services.preferences import MAX_LIST_TEXT

LIST_HELP = "Comma or line separated; leave empty to filter nothing on this."


class PreferencesForm(forms.Form):
    # The list texts are bounded here, before the service splits them (a list text holds at most
    # 100 entries of 120 characters); numbers are range-checked by the service, message and all.
    preferred_industries = forms.CharField(
        required=False,
        max_length=MAX_LIST_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=LIST_HELP + " e.g. SaaS, AI, B2B",
    )
    min_engagement_score = forms.FloatField(required=False, help_text="0 to 1, e.g. 0.7")
    company_size_min = forms.IntegerField(required=False, label="Company size: min employees")
    company_size_max = forms.IntegerField(required=False, label="Company size: max employees")
    geographic_focus = forms.CharField(
        required=False,
        max_length=MAX_LIST_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=LIST_HELP + " Regions, countries or cities, matched as whole words in the lead's location.",
    )
    seniority_levels = forms.CharField(
        required=False,
        max_length=MAX_LIST_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=LIST_HELP + " Matched as whole words in job titles: founder, CEO, VP Sales…",
    )
    lead_quality_threshold = forms.FloatField(required=False, help_text="0 to 1")
    max_leads_per_execution = forms.IntegerField(
        required=False,
        help_text="Keep at most this many leads per run (the best by quality).",
    )

    exploration_share = forms.FloatField(
        required=False,
        label="Near-miss exploration: share",
        help_text="0 to 0.5. Of the leads that fail exactly one criterion, keep this share anyway "
        "(marked as exploration) so the team's feedback can show a criterion is wrong. 0 turns it off.",
    )
    exploration_max_per_run = forms.IntegerField(
        required=False, label="Near-miss exploration: at most per run", help_text="0 to 100"
    )

    @classmethod
    def initial_from(cls, preferences):
        values = {**preferences.values(), **preferences.exploration_values()}
        for name in ("preferred_industries", "geographic_focus", "seniority_levels"):
            values[name] = ", ".join(values[name] or [])
        return values
