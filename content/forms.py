"""Forms of the content loop's pages."""

from django import forms
from django.utils.safestring import mark_safe

from content.metric_rows import CSV_COLUMNS
from content.models import WinnerPolicy


class MetricsUploadForm(forms.Form):
    file = forms.FileField(
        label="Metrics CSV",
        # Column names are what the file must say, so they are shown as code, not as words.
        help_text=mark_safe(
            "Columns: "
            + ", ".join(f"<code>{name}</code>" for name in CSV_COLUMNS)
            + " (and optionally <code>published_at</code>). New posts, brands and experiments are created."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class WinnerPolicyForm(forms.ModelForm):
    class Meta:
        model = WinnerPolicy
        fields = [
            "metric",
            "threshold",
            "min_impressions",
            "practical_lift",
            "split_floor",
            "impression_budget",
            "steers_traffic",
            "weight_ctr",
            "weight_conversion_rate",
            "weight_revenue",
        ]
        labels = {
            "threshold": "Probability to be best needed",
            "min_impressions": "Minimum impressions per variant",
            "practical_lift": "No meaningful difference within (relative lift)",
            "split_floor": "Smallest share in the recommended split",
            "impression_budget": "Impression budget per variant",
            "steers_traffic": "Traffic follows the recommended split",
            "weight_ctr": "Composite weight: CTR",
            "weight_conversion_rate": "Composite weight: conversion rate",
            "weight_revenue": "Composite weight: revenue per impression",
        }
        help_texts = {
            "threshold": (
                "Probability to be best a variant needs before it is declared the winner. It also sets "
                "the daily looks' error rate: at 0.95, at most 5% of experiments whose variants are "
                "equal ever get a winner, however often the job looks."
            ),
        }

    # Added after the first policies: a form (or script) that does not send them keeps the saved value.
    OPTIONAL = ("practical_lift", "split_floor", "impression_budget")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.OPTIONAL:
            self.fields[name].required = False

    def _keep_saved(self, name):
        value = self.cleaned_data.get(name)
        return getattr(self.instance, name) if value is None else value

    def clean_practical_lift(self):
        return self._keep_saved("practical_lift")

    def clean_split_floor(self):
        return self._keep_saved("split_floor")

    def clean_impression_budget(self):
        return self._keep_saved("impression_budget")

    def clean(self):
        data = super().clean()
        if data.get("metric") == WinnerPolicy.Metric.COMPOSITE:
            weights = [data.get(k) or 0 for k in ("weight_ctr", "weight_conversion_rate", "weight_revenue")]
            if sum(weights) <= 0:
                raise forms.ValidationError("Give at least one composite weight above zero.")
        return data


class WinnerSearchForm(forms.Form):
    query_text = forms.CharField(
        label="Your draft copy",
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": "Start typing your ad copy…"}),
    )
    brand_id = forms.ChoiceField(label="Brand", required=False)
    limit = forms.IntegerField(min_value=1, max_value=50, initial=5, required=False)

    def __init__(self, *args, brands=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["brand_id"].choices = [("", "All brands")] + [(str(b.id), b.name) for b in brands]


class PeriodForm(forms.Form):
    days = forms.TypedChoiceField(
        label="Period",
        coerce=int,
        choices=[
            (7, "Last 7 days"),
            (14, "Last 14 days"),
            (30, "Last 30 days"),
            (90, "Last 90 days"),
            (365, "Last year"),
        ],
        initial=30,
    )
