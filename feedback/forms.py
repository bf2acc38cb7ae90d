"""Forms of the feedback loop: one rated output, an import file, the page filters."""

from django import forms

RATING_CHOICES = [(i, f"{i} ★") for i in range(5, 0, -1)]
THUMBS_CHOICES = [("none", "No thumbs"), ("up", "Thumbs up"), ("down", "Thumbs down")]


class EntryForm(forms.Form):
    prompt = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}))
    output = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}))
    rating = forms.TypedChoiceField(choices=RATING_CHOICES, coerce=int, widget=forms.RadioSelect)
    thumbs = forms.ChoiceField(choices=THUMBS_CHOICES, initial="none", widget=forms.RadioSelect)
    tags = forms.CharField(
        required=False, help_text="Comma-separated, e.g. technical, code-review.", max_length=1000
    )
    framework = forms.CharField(required=False, max_length=100, help_text="e.g. chain-of-thought")
    model = forms.CharField(required=False, max_length=100, help_text="e.g. claude-sonnet-5")
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ImportForm(forms.Form):
    """A file, or a batch pasted as JSON Lines or CSV (with its header line)."""

    file = forms.FileField(
        required=False,
        help_text="CSV with columns prompt, output, rating, thumbs, tags, framework, model, notes, "
        "timestamp; or JSON Lines (.jsonl) with the API's fields.",
    )
    text = forms.CharField(
        required=False,
        label="Or paste a batch",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="One JSON object per line, or CSV with its header line.",
    )

    def clean(self):
        data = super().clean()
        if not data.get("file") and not (data.get("text") or "").strip():
            raise forms.ValidationError("Choose a file or paste a batch.")
        return data


class AnalysisForm(forms.Form):
    days = forms.IntegerField(min_value=1, max_value=3660, initial=30)
    min_samples = forms.IntegerField(min_value=1, max_value=100000, initial=5, label="Minimum sample size")


class ReportForm(forms.Form):
    period = forms.ChoiceField(choices=[("weekly", "Weekly"), ("monthly", "Monthly")])
    date = forms.DateField(required=False, help_text="A day in the period; default today.")


class SuggestionForm(forms.Form):
    framework = forms.CharField(required=False, max_length=100)
    days = forms.IntegerField(min_value=1, max_value=3660, initial=30)
    limit = forms.IntegerField(min_value=1, max_value=20, initial=5)


class RouteForm(forms.Form):
    tags = forms.CharField(required=False, max_length=1000, help_text="The task's tags, comma-separated.")
