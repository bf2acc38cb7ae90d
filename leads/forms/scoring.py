"""Forms of lead scoring: the scoring settings, an outcome with its reason."""

from django import forms

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
            "call_list_size",
            "exploration_share",
        ]
        labels = {
            "retrain_threshold": "Retrain after this many new outcomes",
            "high_threshold": "High score from",
            "low_threshold": "Low score below",
            "promotion_confidence": "Confidence needed to promote (0.5-0.999)",
            "max_champion_age_days": "Champion age (days) after which a not-worse challenger wins",
            "call_list_size": "Leads on each day's call list (1-500)",
            "exploration_share": "Share of the call list explored (0-0.5; 0.1 = 10%)",
        }
        help_texts = {
            "exploration_share": "Places given to leads drawn at random from below the cut, so the model "
            "also learns from leads it ranks low. 0 turns exploration off.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["excluded_columns_text"].initial = "\n".join(self.instance.excluded_columns or [])
        # The call list's fields may be left out (a form posted before they existed keeps them).
        for name in ("call_list_size", "exploration_share"):
            self.fields[name].required = False

    def clean_call_list_size(self):
        value = self.cleaned_data.get("call_list_size")
        return self.instance.call_list_size if value is None else value

    def clean_exploration_share(self):
        value = self.cleaned_data.get("exploration_share")
        return self.instance.exploration_share if value is None else value

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
