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
            "weight_ctr",
            "weight_conversion_rate",
            "weight_revenue",
        ]
        labels = {
            "threshold": "Probability to be best needed",
            "min_impressions": "Minimum impressions per variant",
            "weight_ctr": "Composite weight: CTR",
            "weight_conversion_rate": "Composite weight: conversion rate",
            "weight_revenue": "Composite weight: revenue per impression",
        }

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
