"""Pages of the feedback loop: entries and the rating widget, import, analysis, reports,
suggestions and the router."""

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from core.csv_export import page_of, shown
from feedback import charts, services
from feedback.analysis import InsufficientData
from feedback.forms import (
    AnalysisForm,
    EntryForm,
    ReportForm,
    RouteForm,
    SuggestionForm,
)
from feedback.models import FeedbackEntry, FeedbackReport
from workspaces.access import workspace_view
from workspaces.htmx import redirect_after_post


def _form_errors(form, exc: ValidationError):
    for field, messages_ in exc.message_dict.items():
        target = field if field in form.fields else None
        for message in messages_:
            form.add_error(target, message)


@workspace_view
def index(request):
    entries = services.filter_entries(
        FeedbackEntry.objects.for_workspace(request.workspace),
        tag=request.GET.get("tag", "")[:100],
        framework=request.GET.get("framework", "")[:100],
    )
    page = page_of(request, entries, 25)
    context = {
        "page_obj": page,
        "overview": services.overview(request.workspace, days=30),
        "tag": request.GET.get("tag", ""),
        "framework": request.GET.get("framework", ""),
    }
    template = "feedback/index.html#entry-table" if request.htmx else "feedback/index.html"
    return render(request, template, context)


@workspace_view(write=True)
def entry_create(request):
    form = EntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.capture_entry(request.workspace, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "Feedback captured.")
            return redirect_after_post(request, "feedback:entry_detail", entry_id=entry.pk)
    return render(request, "feedback/entry_form.html", {"form": form})


@workspace_view
def entry_detail(request, entry_id):
    entry = get_object_or_404(FeedbackEntry.objects.for_workspace(request.workspace), pk=entry_id)
    return render(request, "feedback/entry_detail.html", {"entry": entry, "stars": range(1, 6)})


@require_POST
@workspace_view(write=True)
def entry_rate(request, entry_id):
    entry = get_object_or_404(FeedbackEntry.objects.for_workspace(request.workspace), pk=entry_id)
    error = None
    try:
        services.rate_entry(
            request.workspace,
            entry,
            rating=request.POST.get("rating") or None,
            thumbs=request.POST.get("thumbs") or None,
        )
    except ValidationError as exc:
        error = " ".join(m for ms in exc.message_dict.values() for m in ms)
        entry.refresh_from_db()
    if request.htmx:
        return render(
            request,
            "feedback/_rating_widget.html",
            {"entry": entry, "stars": range(1, 6), "saved": error is None, "error": error},
            status=200 if error is None else 400,
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, "Rating saved.")
    return redirect_after_post(request, "feedback:entry_detail", entry_id=entry.pk)


@workspace_view
def analysis(request):
    form = AnalysisForm(
        request.GET or None, initial={"days": 30, "min_samples": services.min_samples_default()}
    )
    days, min_samples = 30, services.min_samples_default()
    if form.is_bound and form.is_valid():
        days, min_samples = form.cleaned_data["days"], form.cleaned_data["min_samples"]
    context = {"form": form, "days": days, "min_samples": min_samples, "result": None}
    if not form.is_bound or form.is_valid():
        try:
            result = services.analyze_workspace(request.workspace, days=days, min_samples=min_samples)
        except InsufficientData as exc:
            context["insufficient"] = exc
        else:
            context["result"] = result
            context["charts"] = {
                "framework": charts.rates_bar(result["framework_performance"], "framework"),
                "tag": charts.rates_bar(result["tag_performance"], "tag"),
            }
    template = "feedback/analysis.html#analysis-results" if request.htmx else "feedback/analysis.html"
    return render(request, template, context)


@workspace_view
def reports(request):
    form = ReportForm(request.POST or None)
    if request.method == "POST":
        if not request.membership.can_write:
            raise PermissionDenied("Viewers can look but not change anything in this workspace.")
        if form.is_valid():
            try:
                report = services.write_report(
                    request.workspace,
                    form.cleaned_data["period"],
                    form.cleaned_data["date"],
                    actor=request.user,
                )
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, f"Report {report.period} written.")
                return redirect_after_post(request, "feedback:report_detail", report_id=report.pk)
    stored = FeedbackReport.objects.for_workspace(request.workspace)
    weekly = list(stored.filter(period_type="weekly")[:26])
    alert = services.latest_alert(request.workspace)
    context = {
        "form": form,
        "reports": stored[: shown(request, 100)],
        "history_chart": charts.history_lines(weekly) if weekly else None,
        "weekly": weekly,
        "alert": alert,
        "alert_fell_by": _fell_by(alert) if alert else None,
    }
    return render(request, "feedback/reports.html", context)


def _fell_by(report):
    """Points the success rate fell by, when it fell by more than the alert threshold."""
    from django.conf import settings

    change = report.improvement_vs_previous
    if change is not None and change < -settings.FEEDBACK_ALERT_DROP_POINTS:
        return abs(change)
    return None


@workspace_view
def report_detail(request, report_id):
    report = get_object_or_404(FeedbackReport.objects.for_workspace(request.workspace), pk=report_id)
    data = report.data
    return render(
        request,
        "feedback/report_detail.html",
        {
            "report": report,
            "data": data,
            "daily_chart": charts.daily_lines(data.get("daily", [])),
            "fell_by": _fell_by(report),
        },
    )


@workspace_view
def report_json(request, report_id):
    report = get_object_or_404(FeedbackReport.objects.for_workspace(request.workspace), pk=report_id)
    response = HttpResponse(json.dumps(report.data, indent=2), content_type="application/json")
    response["Content-Disposition"] = (
        f'attachment; filename="feedback-report-{report.period_type}-{report.period}.json"'
    )
    return response


@workspace_view
def suggestions(request):
    # The page opens with the suggestions of the last 30 days.
    form = SuggestionForm(request.GET or {"days": 30, "limit": 5, "framework": ""})
    context = {"form": form, "answer": None}
    if form.is_valid():
        try:
            context["answer"] = services.suggestions_for(
                request.workspace,
                framework=form.cleaned_data["framework"] or None,
                days=form.cleaned_data["days"],
                limit=form.cleaned_data["limit"],
            )
        except InsufficientData as exc:
            context["insufficient"] = exc
    template = "feedback/suggestions.html#suggestion-list" if request.htmx else "feedback/suggestions.html"
    return render(request, template, context)


@workspace_view
def route(request):
    form = RouteForm(request.GET or {"tags": ""})  # no tags: the best pair over all tags
    context = {"form": form, "answer": None}
    if form.is_valid():
        try:
            context["answer"] = services.recommend_route(request.workspace, form.cleaned_data["tags"])
        except ValidationError as exc:
            _form_errors(form, exc)
    template = "feedback/route.html#route-result" if request.htmx else "feedback/route.html"
    return render(request, template, context)
