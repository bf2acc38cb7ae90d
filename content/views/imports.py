"""The metrics upload: upload, preview with the column mapping, the queued import and its errors."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from content.forms import MetricsUploadForm
from content.models import MetricImport
from content.services import ingest
from core import import_flow
from core.import_flow import ColumnMappingForm
from workspaces.access import workspace_view
from workspaces.htmx import redirect_after_post

UPLOAD_KIND = "metrics"


def _preview_page(request, form, shown, status=200):
    action = reverse("content:upload_confirm")
    return import_flow.preview_page(request, "content/import_preview.html", form, shown, action, status)


@workspace_view(write=True)
def upload(request):
    form = MetricsUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > ingest.max_csv_bytes():
                raise ValidationError(
                    {"file": [f"The file is larger than {ingest.max_csv_bytes() // (1024 * 1024)} MB."]}
                )
            data = upload.read()
            shown = ingest.preview_csv(data)
        except ValidationError as exc:
            for message in exc.message_dict.get("file", exc.messages):
                form.add_error("file", message)
        else:
            token = import_flow.stash_upload(UPLOAD_KIND, request.workspace, data)
            initial = ColumnMappingForm.initial_for(shown["match"], token, upload.name or "metrics.csv")
            mapping = ColumnMappingForm(initial=initial, fields=ingest.METRIC_FIELDS, header=shown["header"])
            return _preview_page(request, mapping, shown)
    imports = MetricImport.objects.for_workspace(request.workspace)[:10]
    return render(request, "content/upload.html", {"form": form, "imports": imports})


@require_POST
@workspace_view(write=True)
def upload_confirm(request):
    token = request.POST.get("upload")
    try:
        data = import_flow.read_stash(UPLOAD_KIND, request.workspace, token)
        shown = ingest.preview_csv(data)
    except ValidationError as exc:
        form = import_flow.upload_form_refused(MetricsUploadForm, exc)
        imports = MetricImport.objects.for_workspace(request.workspace)[:10]
        return render(request, "content/upload.html", {"form": form, "imports": imports}, status=400)
    form = ColumnMappingForm(request.POST, fields=ingest.METRIC_FIELDS, header=shown["header"])
    if form.is_valid():
        try:
            job = ingest.start_mapped_import(
                request.workspace,
                request.user,
                data,
                form.cleaned_data["file_name"],
                form.chosen(),
                all_or_nothing=form.cleaned_data["all_or_nothing"],
            )
        except ValidationError as exc:
            form.add_error(None, " ".join(exc.messages))
        else:
            import_flow.drop_stash(UPLOAD_KIND, request.workspace, token)
            return redirect_after_post(request, "content:import", import_id=job.id)
    return _preview_page(request, form, shown, status=400)


def _import_context(job):
    errors = ingest.error_rows(job.row_errors)
    return {
        "job": job,
        "result": {
            "stored": job.ingested_rows - job.replaced_rows,
            "updated": job.replaced_rows,
            "skipped": len(job.row_errors),
            "refused": job.refused,
            "failure": job.error,
            "notes": [f"Ignored columns: {', '.join(job.ignored_columns)}."] if job.ignored_columns else [],
        },
        "errors": errors[: import_flow.ERRORS_SHOWN],
        "error_count": len(errors),
        "errors_url": reverse("content:import_errors", args=[job.id]),
    }


@workspace_view
def import_detail(request, import_id):
    job = get_object_or_404(MetricImport.objects.for_workspace(request.workspace), pk=import_id)
    if request.htmx:
        return render(request, "content/import_detail.html#progress", _import_context(job))
    return render(request, "content/import_detail.html", _import_context(job))


@workspace_view
def import_errors(request, import_id):
    job = get_object_or_404(MetricImport.objects.for_workspace(request.workspace), pk=import_id)
    return import_flow.error_report_response(ingest.error_rows(job.row_errors), f"metrics-import-{job.id}")
