"""Pages of the improvement reports: the list and its form, one report, its JSON download."""

import json

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from core.csv_export import shown
from feedback import charts, queries
from feedback.forms import ReportForm
from feedback.models import FeedbackReport
from feedback.services.reports import write_report
from workspaces.access import workspace_view
from workspaces.htmx import redirect_after_post


def _reports_page(request, form):
    stored = FeedbackReport.objects.for_workspace(request.workspace)
    weekly = list(stored.filter(period_type="weekly")[:26])
    alert = queries.latest_alert(request.workspace)
    context = {
        "form": form,
        "reports": stored[: shown(request, 100)],
        "history_chart": charts.history_lines(weekly) if weekly else None,
        "weekly": weekly,
        "alert": alert,
        "alert_fell_by": queries.fell_by(alert) if alert else None,
    }
    return render(request, "feedback/reports.html", context)


@workspace_view
def reports(request):
    """The list is shown to every member; writing a report needs write access."""
    if request.method == "POST":
        return _write(request)
    return _reports_page(request, ReportForm())


@workspace_view(write=True)
def _write(request):
    form = ReportForm(request.POST)
    if form.is_valid():
        report = write_report(
            request.workspace, form.cleaned_data["period"], form.cleaned_data["date"], actor=request.user
        )
        messages.success(request, f"Report {report.period} written.")
        return redirect_after_post(request, "feedback:report_detail", report_id=report.pk)
    return _reports_page(request, form)


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
            "fell_by": queries.fell_by(report),
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
