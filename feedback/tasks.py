"""Feedback tasks: the weekly report written every Monday morning for every workspace."""

import logging
from datetime import date, timedelta

from celery import shared_task
from django.db import DatabaseError
from django.utils import timezone

from feedback import queries
from feedback.services.reports import write_report
from workspaces.locks import job_lease
from workspaces.models import Workspace

logger = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=3)
def write_weekly_report(self, workspace_id, day_iso=None):
    """Write (or rewrite) one workspace's report of the ISO week containing ``day_iso``."""
    workspace = Workspace.objects.filter(pk=workspace_id).first()
    if workspace is None:
        return None
    day = date.fromisoformat(day_iso) if day_iso else timezone.localdate() - timedelta(days=7)
    with job_lease(f"feedback-weekly:{workspace_id}:{day.isoformat()}", 600) as acquired:
        if not acquired:
            return None
        report = write_report(workspace, "weekly", day)
    return str(report.pk)


@shared_task(bind=True, acks_late=True)
def write_weekly_reports(self):
    """Monday 09:00: queue last week's report for every workspace that has feedback."""
    day = (timezone.localdate() - timedelta(days=7)).isoformat()
    ids = queries.workspaces_with_feedback()
    for workspace_id in ids:
        write_weekly_report.delay(str(workspace_id), day)
    logger.info("queued %d weekly feedback reports for the week of %s", len(ids), day)
    return len(ids)
