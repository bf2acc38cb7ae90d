"""Forms of the lead import: the CSV upload and the column mapping of its preview."""

from django import forms
from django.conf import settings

from core.import_flow import ALL_OR_NOTHING_HELP


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
