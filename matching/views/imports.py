"""The choices import in the browser: upload, preview with the column mapping, the run, the result
with its error report; the same flow and look as every other CSV import."""

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import reverse

from core import import_flow
from core.import_flow import ColumnMappingForm, UploadForm
from matching.services.imports import CHOICE_FIELDS, import_choice_file, read_choice_table
from workspaces.access import workspace_view
from workspaces.htmx import redirect_after_post

KIND = "choices"
PREVIEW_ROWS = 5


def _preview(data: bytes, columns=None) -> dict:
    table = read_choice_table(data, columns, sample_rows=1000)
    roles = {
        c: (
            "factor (a number per candidate)"
            if r == "factor"
            else "stated priority (1-5 per session)"
            if r == "stated"
            else r
        )
        for c, r in table["roles"].items()
    }
    return {
        "header": table["header"],
        "sample": [values for _line, values in table["rows"][:PREVIEW_ROWS]],
        "roles": roles,
        "ignored": table["ignored"],
        "match": table["match"],
        "warnings": [] if table["factors"] else ["No numeric factor column: add one (e.g. price, rating)."],
    }


def _preview_page(request, form, shown, status=200):
    action = reverse("matching:import_confirm")
    return import_flow.preview_page(request, "matching/import_preview.html", form, shown, action, status)


def _upload_page(request, form, status=200):
    return render(request, "matching/import.html", {"form": form}, status=status)


@workspace_view
def import_choices(request):
    """The upload form is shown to every member; the upload itself needs write access."""
    if request.method == "POST":
        return _upload(request)
    return _upload_page(request, UploadForm())


@workspace_view(write=True)
def _upload(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            shown = _preview(data)
        except ValidationError as exc:
            for message in exc.message_dict.get("file", exc.messages):
                form.add_error("file", message)
        else:
            token = import_flow.stash_upload(KIND, request.workspace, data)
            initial = ColumnMappingForm.initial_for(shown["match"], token, upload.name or "choices.csv")
            mapping = ColumnMappingForm(initial=initial, fields=CHOICE_FIELDS, header=shown["header"])
            return _preview_page(request, mapping, shown)
    return _upload_page(request, form, status=400)


@workspace_view(write=True)
def import_confirm(request):
    if request.method != "POST":
        return redirect_after_post(request, "matching:import")
    try:
        data = import_flow.read_stash(KIND, request.workspace, request.POST.get("upload"))
        shown = _preview(data)
    except ValidationError as exc:
        form = import_flow.upload_form_refused(UploadForm, exc)
        return _upload_page(request, form, status=400)
    form = ColumnMappingForm(request.POST, fields=CHOICE_FIELDS, header=shown["header"])
    if form.is_valid():
        try:
            result = import_choice_file(
                request.workspace, data, form.chosen(), all_or_nothing=form.cleaned_data["all_or_nothing"]
            )
        except ValidationError as exc:
            form.add_error(None, " ".join(exc.messages))
        else:
            import_flow.drop_stash(KIND, request.workspace, request.POST.get("upload"))
            name = form.cleaned_data["file_name"]
            token = import_flow.save_result(KIND, request.workspace, {**result, "file_name": name})
            return redirect_after_post(request, "matching:import_result", choice_import_id=token)
    return _preview_page(request, form, shown, status=400)


@workspace_view
def import_result(request, choice_import_id):
    return import_flow.result_page(
        request, KIND, choice_import_id, "matching/import_result.html", "matching:import_errors"
    )


@workspace_view
def import_errors(request, choice_import_id):
    return import_flow.errors_download(request, KIND, choice_import_id, f"choices-import-{choice_import_id}")
