"""Pages of the content loop: overview, brand performance, CSV upload, write new copy, policy."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_htmx.http import trigger_client_event

from analytics.intervals import rate_with_interval
from content import charts
from content.forms import MetricsUploadForm, PeriodForm, WinnerPolicyForm, WinnerSearchForm
from content.models import Brand, MetricImport, WinnerRun, WinningCopy
from content.services import ingest, performance, winner_job, winner_store
from core import import_flow
from core.import_flow import ColumnMappingForm
from workspaces import audit
from workspaces.access import workspace_view
from workspaces.htmx import redirect_after_post

_UNFINISHED = ("queued", "running")


@workspace_view
def index(request):
    ws = request.workspace
    brands = (
        Brand.objects.for_workspace(ws)
        .annotate(n_posts=Count("posts", distinct=True), n_experiments=Count("experiments", distinct=True))
        .order_by("name")
    )
    winners = dict(
        WinningCopy.objects.for_workspace(ws)
        .filter(is_current=True)
        .values_list("brand_id")
        .annotate(n=Count("id"))
    )
    for brand in brands:
        brand.n_winners = winners.get(brand.id, 0)
    context = {
        "brands": brands,
        "decisions": winner_job.latest_decisions(ws),
        "run": WinnerRun.objects.for_workspace(ws).first(),
        "policy": winner_job.get_policy(ws),
        "stats": winner_store.winner_stats(ws),
        "imports": MetricImport.objects.for_workspace(ws)[:5],
    }
    part = request.GET.get("part") if request.htmx else None
    if part in ("brands", "decisions"):
        return render(request, f"content/index.html#{part}", context)
    return render(request, "content/index.html", context)


def _run_status(request, run, finished):
    response = render(request, "content/_run_status.html", {"run": run})
    if finished:
        # The brands table and the latest decisions listen for this and reload with the new counts.
        trigger_client_event(response, "runFinished")
    return response


@workspace_view(write=True)
@require_POST
def run_now(request):
    run = winner_job.queue_winner_job(request.workspace)
    if request.htmx:
        # Without a worker the job ran when the run was committed: show its result at once.
        run.refresh_from_db()
        return _run_status(request, run, finished=run.status not in _UNFINISHED)
    messages.info(request, "The winner job is queued; this page shows its progress.")
    return redirect_after_post(request, "content:run", run_id=run.id)


@workspace_view
def run_detail(request, run_id):
    run = get_object_or_404(WinnerRun.objects.for_workspace(request.workspace), pk=run_id)
    if request.htmx:
        # Only the status box of an unfinished run polls here, so a finished run has just ended.
        return _run_status(request, run, finished=run.status not in _UNFINISHED)
    decisions = run.decisions.select_related("experiment", "experiment__brand").order_by(
        "experiment__brand__name", "experiment__name"
    )
    return render(request, "content/run_detail.html", {"run": run, "decisions": decisions})


@workspace_view
def brand_detail(request, brand_id):
    ws = request.workspace
    brand = get_object_or_404(Brand.objects.for_workspace(ws), pk=brand_id)
    form = PeriodForm(request.GET or None)
    days = form.cleaned_data["days"] if form.is_valid() else 30
    analysis = performance.performance_analysis(ws, brand, days)
    context = {
        "brand": brand,
        "form": form if form.is_bound else PeriodForm(initial={"days": days}),
        "analysis": analysis,
        "best_prob": analysis["prob_best"].get(analysis["best_performing_variant"]),
        "rows": _variant_rows(analysis),
        "ctr_chart": charts.rate_chart(analysis["series"], "ctr", "CTR"),
        "cr_chart": charts.rate_chart(analysis["series"], "conversion_rate", "Conversion rate"),
        "series_rows": charts.series_rows(analysis["series"]),
        "decisions": winner_job.latest_decisions(ws, brand=brand),
        "winners": performance.fading_winners(ws, brand),
    }
    if request.htmx:
        return render(request, "content/brand_detail.html#performance", context)
    return render(request, "content/brand_detail.html", context)


def _variant_rows(analysis):
    rows = []
    for label, f in analysis["variant_performance"].items():
        rows.append(
            {
                "label": label,
                "figures": f,
                "ctr": rate_with_interval(f["total_clicks"], f["total_impressions"]),
                "conversion_rate": rate_with_interval(f["total_conversions"], f["total_clicks"]),
                "prob_best": analysis["prob_best"].get(label),
            }
        )
    return rows


UPLOAD_KIND = "metrics"


def _preview_page(request, form, shown, status=200):
    context = {"form": form, "preview": shown, "action": reverse("content:upload_confirm")}
    return render(request, "content/import_preview.html", context, status=status)


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


@workspace_view
def write_copy(request):
    brands = Brand.objects.for_workspace(request.workspace).order_by("name")
    form = WinnerSearchForm(request.GET or request.POST or None, brands=brands)
    results = []
    if form.is_bound and form.is_valid():
        brand = None
        if form.cleaned_data["brand_id"]:
            brand = get_object_or_404(
                Brand.objects.for_workspace(request.workspace), pk=form.cleaned_data["brand_id"]
            )
        results = winner_store.search_winners(
            request.workspace,
            form.cleaned_data["query_text"],
            form.cleaned_data["limit"] or 5,
            brand=brand,
        )
    context = {
        "form": form,
        "results": results,
        "searched": bool(form.is_bound and form.data.get("query_text", "").strip()),
        "stats": winner_store.winner_stats(request.workspace),
    }
    if request.htmx:
        return render(request, "content/write.html#results", context)
    return render(request, "content/write.html", context)


@workspace_view(write=True)
def policy(request):
    current = winner_job.get_policy(request.workspace)
    form = WinnerPolicyForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        audit.record(
            request.workspace,
            "content.policy.changed",
            "winner policy",
            actor=request.user,
            metric=saved.metric,
            threshold=saved.threshold,
            min_impressions=saved.min_impressions,
            weights=saved.weights,
        )
        messages.success(request, "Winner policy saved; the next run decides with it.")
        return redirect_after_post(request, "content:index")
    return render(request, "content/policy.html", {"form": form})
