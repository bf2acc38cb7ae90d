"""CSV import in the browser: upload, column mapping preview, a background job with progress,
and the downloadable error report."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.import_flow import ERRORS_SHOWN, error_report_response
from leads.forms.imports import ImportMappingForm, ImportUploadForm
from leads.models import LeadImport
from leads.services.imports.importing import preview
from leads.services.imports.uploads import read_stash, start_stashed_import, stash_upload
from workspaces.access import workspace_view
from workspaces.htmx import redirect_after_post


def _recent(request):
    return LeadImport.objects.for_workspace(request.workspace).order_by("-created_at")[:10]


def _mapping_context(request, form, data, header):
    """The mapping as chosen so far (even before the form is complete), for the preview."""
    chosen = form.data if form.is_bound else form.initial
    id_column = chosen.get("id_column", "") if chosen.get("id_column", "") in header else ""
    outcome_column = chosen.get("outcome_column", "") if chosen.get("outcome_column", "") in header else ""
    positive = (chosen.get("positive") or "").strip()
    try:
        shown = preview(data, id_column, outcome_column, positive or ("?" if outcome_column else ""))
    except ValidationError:
        shown = preview(data)
    if outcome_column and not positive:
        shown["roles"][outcome_column] = "outcome (say which value means won)"
    return {"form": form, "preview": shown, "header": header}


@workspace_view
def import_start(request):
    if request.method == "POST":
        return import_upload(request)
    return render(
        request, "leads/import_start.html", {"form": ImportUploadForm(), "imports": _recent(request)}
    )


@workspace_view(write=True)
def import_upload(request):
    """The start page's POST: keep the file and show its mapping preview (viewers get 403)."""
    upload_form = ImportUploadForm(request.POST, request.FILES)
    if upload_form.is_valid():
        upload = upload_form.cleaned_data["file"]
        data = upload.read()
        try:
            token = stash_upload(request.workspace, data)
        except ValidationError as error:
            upload_form.add_error("file", error.message_dict.get("file", error.messages))
        else:
            shown = preview(data)
            header = shown["header"]
            # Obvious columns (lead_id, outcome, ...) come pre-selected; the person can change them.
            initial = {"upload": token, "file_name": upload.name, **shown["suggested"]}
            form = ImportMappingForm(initial=initial, header=header)
            return render(request, "leads/import_mapping.html", _mapping_context(request, form, data, header))
    return render(
        request, "leads/import_start.html", {"form": upload_form, "imports": _recent(request)}, status=400
    )


@require_POST
@workspace_view(write=True)
def import_confirm(request):
    token = request.POST.get("upload", "")
    try:
        data = read_stash(request.workspace, token)
    except ValidationError as error:
        context = {
            "form": ImportUploadForm(),
            "imports": _recent(request),
            "problem": " ".join(error.messages),
        }
        return render(request, "leads/import_start.html", context, status=400)
    header = preview(data)["header"]
    form = ImportMappingForm(request.POST, header=header)
    if request.POST.get("preview") or not form.is_valid():
        context = _mapping_context(request, form, data, header)
        if request.htmx:
            return render(request, "leads/import_mapping.html#mapping", context)
        return render(request, "leads/import_mapping.html", context, status=200 if form.is_valid() else 400)
    job = start_stashed_import(
        request.workspace,
        token,
        form.cleaned_data["file_name"],
        form.cleaned_data["id_column"],
        form.cleaned_data["outcome_column"],
        form.cleaned_data["positive"],
        user=request.user,
        all_or_nothing=form.cleaned_data["all_or_nothing"],
    )
    return redirect_after_post(request, "leads:import_detail", lead_import_id=job.id)


@workspace_view
def import_detail(request, lead_import_id):
    job = get_object_or_404(LeadImport.objects.for_workspace(request.workspace), pk=lead_import_id)
    notes = [f"{job.outcomes_recorded} outcomes recorded or changed."]
    if job.status == "done" and not job.id_column:
        notes.append("No id column: every row became a new lead.")
    result = {
        "stored": job.leads_created,
        "updated": job.leads_updated,
        "skipped": len({e[0] for e in job.errors}) if job.errors else 0,
        "refused": job.refused,
        "failure": f"{job.failure} Nothing was imported." if job.failure else "",
        "notes": notes,
    }
    context = {
        "job": job,
        "result": result,
        "errors": job.errors[:ERRORS_SHOWN],
        "error_count": job.error_count,
        "errors_url": reverse("leads:import_errors", args=[job.id]),
    }
    if request.htmx:
        return render(request, "leads/import_detail.html#progress", context)
    return render(request, "leads/import_detail.html", context)


@workspace_view
def import_errors(request, lead_import_id):
    job = get_object_or_404(LeadImport.objects.for_workspace(request.workspace), pk=lead_import_id)
    return error_report_response(job.errors, f"import-{job.id}")
