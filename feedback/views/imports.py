"""The feedback import in the browser: upload, preview with the column mapping, the run, the result."""

import io

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import reverse

from core import import_flow
from core.import_flow import ColumnMappingForm
from feedback.forms import ImportForm
from feedback.services import imports
from workspaces.access import workspace_view
from workspaces.htmx import redirect_after_post

KIND = "feedback"


def _mapping_form(shown, data=None, initial=None):
    fields = [] if shown["jsonl"] else imports.FEEDBACK_FIELDS
    return ColumnMappingForm(data, initial=initial, fields=fields, header=shown["header"])


def _preview_page(request, form, shown, status=200):
    action = reverse("feedback:import_confirm")
    return import_flow.preview_page(request, "feedback/import_preview.html", form, shown, action, status)


@workspace_view(write=True)
def import_entries(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload is None:  # a pasted batch: JSON Lines when it starts with an object
            text = form.cleaned_data["text"].strip()
            name = "pasted.jsonl" if text.startswith("{") else "pasted.csv"
            data = text.encode()
        else:
            name, data = upload.name or "feedback.csv", upload.read()
        try:
            shown = imports.preview_import(data, name)
        except ValidationError as exc:
            import_flow.add_errors(form, exc)
        else:
            token = import_flow.stash_upload(KIND, request.workspace, data)
            initial = {"upload": token, "file_name": name[:255]}
            if not shown["jsonl"]:
                initial = ColumnMappingForm.initial_for(shown["match"], token, name)
            return _preview_page(request, _mapping_form(shown, initial=initial), shown)
    return render(request, "feedback/import.html", {"form": form})


@workspace_view(write=True)
def import_confirm(request):
    if request.method != "POST":
        return redirect_after_post(request, "feedback:import")
    name = request.POST.get("file_name", "")[:255] or "feedback.csv"
    try:
        data = import_flow.read_stash(KIND, request.workspace, request.POST.get("upload"))
        shown = imports.preview_import(data, name)
    except ValidationError as exc:
        form = import_flow.upload_form_refused(ImportForm, exc)
        return render(request, "feedback/import.html", {"form": form}, status=400)
    form = _mapping_form(shown, data=request.POST)
    if not form.is_valid():
        return _preview_page(request, form, shown, status=400)
    columns = None if shown["jsonl"] else form.chosen()
    try:
        result = imports.import_feedback(
            request.workspace,
            io.BytesIO(data),
            name,
            columns=columns,
            all_or_nothing=form.cleaned_data["all_or_nothing"],
        )
    except ValidationError as exc:
        import_flow.add_errors(form, exc)
        return _preview_page(request, form, shown, status=400)
    import_flow.drop_stash(KIND, request.workspace, request.POST.get("upload"))
    result = {**result, "file_name": name, "all_or_nothing": form.cleaned_data["all_or_nothing"]}
    token = import_flow.save_result(KIND, request.workspace, result)
    return redirect_after_post(request, "feedback:import_result", feedback_import_id=token)


@workspace_view
def import_result(request, feedback_import_id):
    template = "feedback/import_result.html"
    return import_flow.result_page(request, KIND, feedback_import_id, template, "feedback:import_errors")


@workspace_view
def import_errors(request, feedback_import_id):
    return import_flow.errors_download(
        request, KIND, feedback_import_id, f"feedback-import-{feedback_import_id}"
    )
