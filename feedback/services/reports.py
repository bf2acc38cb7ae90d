"""Writing the weekly and monthly improvement reports."""

from datetime import datetime, timedelta

from django.utils import timezone

from feedback import analysis, queries
from feedback import reports as report_builder
from feedback.forms import ReportForm, validated
from feedback.models import FeedbackReport
from workspaces import audit


def _midnight(day):
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def write_report(workspace, period: str = "weekly", day=None, *, actor=None, token=None) -> FeedbackReport:
    """Build and store the report of the period containing ``day`` (today by default).

    A report asked for by a person (``actor``) or an API token is recorded in the audit log.
    """
    day = validated(ReportForm, {"period": period, "date": day}).cleaned_data["date"] or timezone.localdate()
    label, start, end = report_builder.period_bounds(period, day)
    _prev_label, prev_start, prev_end = report_builder.previous_period(period, day)
    current = queries.grouped_entries(workspace, since=_midnight(start), until=_midnight(end), by_day=True)
    previous = queries.grouped_entries(workspace, since=_midnight(prev_start), until=_midnight(prev_end))
    rule = queries.success_rule()
    min_samples = queries.min_samples_default()
    advice = []
    if int(current["count"].sum()) >= min_samples:
        prompts = queries.prompt_success_counts(workspace, since=_midnight(start), until=_midnight(end))
        advice = analysis.analyze(current, rule=rule, min_samples=min_samples, prompts=prompts)[
            "recommendations"
        ]
    data = report_builder.build_report(
        period,
        label,
        start,
        end,
        current,
        previous,
        rule=rule,
        min_samples=min_samples,
        recommendations=advice,
        today=timezone.localdate(),
    )
    report, _created = FeedbackReport.objects.update_or_create(
        workspace=workspace,
        period_type=period,
        period=label,
        defaults={
            "start_date": start,
            "end_date": end - timedelta(days=1),
            "total_prompts": data["total_prompts"],
            "success_rate": data["success_rate"],
            "improvement_vs_previous": data["improvement_vs_previous"],
            "data": data,
        },
    )
    if actor is not None or token is not None:
        audit.record(workspace, "feedback.report_written", f"{period} {label}", actor=actor, token=token)
    return report
