"""Forms of loop 2: scoring settings, an outcome with its reason, CSV upload and column mapping."""

from django import forms
from django.conf import settings

from core.import_flow import ALL_OR_NOTHING_HELP
from leads.models import ScoringSettings


class ScoringSettingsForm(forms.ModelForm):
    excluded_columns_text = forms.CharField(
        label="Columns the model must not use",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line or comma-separated, e.g. a CRM stage column that leaks the outcome.",
    )

    class Meta:
        model = ScoringSettings
        fields = [
            "retrain_threshold",
            "high_threshold",
            "low_threshold",
            "promotion_confidence",
            "max_champion_age_days",
        ]
        labels = {
            "retrain_threshold": "Retrain after this many new outcomes",
            "high_threshold": "High score from",
            "low_threshold": "Low score below",
            "promotion_confidence": "Confidence needed to promote (0.5-0.999)",
            "max_champion_age_days": "Champion age (days) after which a not-worse challenger wins",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["excluded_columns_text"].initial = "\n".join(self.instance.excluded_columns or [])

    def clean_excluded_columns_text(self):
        text = self.cleaned_data.get("excluded_columns_text") or ""
        names = [part.strip() for line in text.splitlines() for part in line.split(",")]
        names = list(dict.fromkeys(n for n in names if n))
        if any(len(n) > 100 for n in names) or len(names) > 200:
            raise forms.ValidationError("At most 200 column names of up to 100 characters.")
        return names

    def clean(self):
        data = super().clean()
        high, low = data.get("high_threshold"), data.get("low_threshold")
        if high is not None and low is not None and low > high:
            self.add_error("low_threshold", "The low threshold must not be above the high one.")
        return data

    def save(self, commit=True):
        self.instance.excluded_columns = self.cleaned_data["excluded_columns_text"]
        return super().save(commit)


class OutcomeForm(forms.Form):
    won = forms.TypedChoiceField(choices=[("true", "Won"), ("false", "Lost")], coerce=lambda v: v == "true")
    reason = forms.CharField(max_length=500, required=False)


class ImportUploadForm(forms.Form):
    file = forms.FileField(label="CSV file", help_text="UTF-8 CSV; the first line names the columns.")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.MAX_UPLOAD_SIZE:
            raise forms.ValidationError(
                f"The file is larger than {settings.MAX_UPLOAD_SIZE // (1024 * 1024)} MB."
            )
        return upload


class ImportMappingForm(forms.Form):
    upload = forms.RegexField(regex=r"^[0-9a-f]{32}$", widget=forms.HiddenInput)
    file_name = forms.CharField(max_length=255, widget=forms.HiddenInput)
    id_column = forms.ChoiceField(label="Lead id column", required=False)
    outcome_column = forms.ChoiceField(label="Outcome column", required=False)
    positive = forms.CharField(label="Value that means won", max_length=200, required=False)
    all_or_nothing = forms.BooleanField(required=False, label="All or nothing", help_text=ALL_OR_NOTHING_HELP)

    def __init__(self, *args, header=(), **kwargs):
        super().__init__(*args, **kwargs)
        none = [("", "(none: every row becomes a new lead)")]
        columns = [(c, c) for c in header]
        self.fields["id_column"].choices = none + columns
        self.fields["outcome_column"].choices = [("", "(no outcomes in this file)")] + columns

    def clean(self):
        data = super().clean()
        if data.get("outcome_column") and not (data.get("positive") or "").strip():
            self.add_error("positive", "Say which value of the outcome column means won.")
        if data.get("outcome_column") and data.get("outcome_column") == data.get("id_column"):
            self.add_error("outcome_column", "The outcome column cannot also be the id column.")
        return data
