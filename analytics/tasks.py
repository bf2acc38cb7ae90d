"""Celery tasks of the analytics app: keep the dashboard's daily rollups current (analytics/rollups.py)."""

from celery import shared_task
from django.conf import settings
from django.db import OperationalError

from analytics import rollups
from workspaces.locks import job_lease
from workspaces.models import Workspace


def refresh_workspace(workspace):
    """Refresh one workspace's rollups under a lease; None when another refresh holds it."""
    with job_lease(f"analytics-rollups:{workspace.id}", settings.ANALYTICS_ROLLUP_LEASE_SECONDS) as acquired:
        if not acquired:
            return None
        return rollups.refresh(workspace)


@shared_task(bind=True, acks_late=True)
def refresh_all_rollups(self):
    """Beat entry: queue a refresh per workspace and drop the touches of deleted workspaces."""
    rollups.forget_missing_workspaces()
    ids = [str(pk) for pk in Workspace.objects.values_list("id", flat=True)]
    for workspace_id in ids:
        refresh_workspace_rollups.delay(workspace_id)
    return len(ids)


@shared_task(bind=True, acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def refresh_workspace_rollups(self, workspace_id):
    workspace = Workspace.objects.filter(pk=workspace_id).first()
    if workspace is None:
        return None
    done = refresh_workspace(workspace)
    if done is None:
        return None
    return {key: "all" if days is None else len(days) for key, days in done.items()}
