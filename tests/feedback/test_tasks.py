"""The Monday job that writes last week's report for every workspace with feedback."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from feedback.models import FeedbackReport
from feedback.reports import period_bounds
from feedback.tasks import write_weekly_report, write_weekly_reports
from tests.feedback.factories import FeedbackEntryFactory


def test_beat_runs_the_weekly_reports_on_monday_at_nine():
    entry = settings.CELERY_BEAT_SCHEDULE["feedback-weekly-reports"]
    assert entry["task"] == "feedback.tasks.write_weekly_reports"
    schedule = entry["schedule"]
    assert schedule.day_of_week == {1} and schedule.hour == {9} and schedule.minute == {0}


@pytest.mark.django_db
def test_weekly_report_task_writes_last_weeks_report_once(workspace):
    last_week = timezone.now() - timedelta(days=7)
    FeedbackEntryFactory.create_batch(3, workspace=workspace, rating=5, created_at=last_week)
    day = last_week.date().isoformat()
    write_weekly_report.run(str(workspace.pk), day)
    write_weekly_report.run(str(workspace.pk), day)  # idempotent: rewrites the same report
    report = FeedbackReport.objects.get(workspace=workspace)
    assert report.period == period_bounds("weekly", last_week.date())[0]
    assert report.total_prompts == 3


@pytest.mark.django_db
def test_beat_job_queues_one_report_per_workspace_with_feedback(workspace, other_workspace):
    FeedbackEntryFactory(workspace=workspace)
    assert write_weekly_reports.run() == 1


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_live_worker_writes_the_weekly_report(live_worker, workspace):
    last_week = timezone.now() - timedelta(days=7)
    FeedbackEntryFactory.create_batch(4, workspace=workspace, rating=5, created_at=last_week)
    FeedbackEntryFactory(workspace=workspace, rating=1, created_at=last_week)
    write_weekly_reports.delay()
    report = live_worker.wait_for(
        lambda: FeedbackReport.objects.filter(workspace=workspace).first(),
        timeout=60,
        message="the weekly feedback report",
    )
    assert report.total_prompts == 5
    assert report.success_rate == pytest.approx(0.8)
