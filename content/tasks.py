"""Celery tasks of the content loop: thin wrappers around the services (ids as arguments)."""

from celery import shared_task
from django.conf import settings

from content.models import WinnerRun
from content.services import ingest, winner_job, winner_store
from workspaces.locks import job_lease
from workspaces.models import Workspace


@shared_task(bind=True, acks_late=True)
def run_nightly_winners(self):
    """Hourly beat entry: start the winner job of each workspace where it is now 02:00."""
    hour = settings.CONTENT_NIGHTLY_HOUR
    due = winner_job.workspaces_due(Workspace.objects.all(), hour=hour)
    for workspace in due:
        decide_workspace_winners.delay(str(workspace.id), None, "schedule")
    return len(due)


@shared_task(bind=True, acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True)
def decide_workspace_winners(self, workspace_id, run_id=None, trigger="manual"):
    workspace = Workspace.objects.filter(pk=workspace_id).first()
    if workspace is None:
        return None
    run = WinnerRun.objects.filter(pk=run_id, workspace=workspace).first() if run_id else None
    if run is not None and run.status not in (WinnerRun.Status.QUEUED, WinnerRun.Status.RUNNING):
        return str(run.id)  # delivered twice: the first delivery did the work
    try:
        run = winner_job.run_winner_job(workspace, trigger=trigger, run=run)
    except Exception as exc:
        if run is not None:
            WinnerRun.objects.filter(pk=run.pk).update(
                status=WinnerRun.Status.FAILED, error_messages=[str(exc)[:500]]
            )
        raise
    return str(run.id)


@shared_task(bind=True, acks_late=True)
def import_metrics_csv(self, import_id):
    # Renewed while the import runs; a dead worker's job is failed by the reaper (workspaces.jobs).
    with job_lease(f"metrics-import:{import_id}") as acquired:
        if not acquired:
            return "busy"  # another delivery of this job is running it
        job = ingest.run_csv_import(import_id)
    return None if job is None else job.status


@shared_task(bind=True, acks_late=True)
def reembed_winners(self, workspace_id):
    workspace = Workspace.objects.filter(pk=workspace_id).first()
    if workspace is None:
        return 0
    with job_lease(f"content-reembed:{workspace.id}", 3600) as acquired:
        if not acquired:
            return 0
        return winner_store.reembed_winners(workspace)
