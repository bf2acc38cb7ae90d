"""Retraining (queue `ml`) and CSV imports, run by the worker."""

from celery import shared_task
from django.conf import settings

from workspaces.locks import job_lease
from workspaces.models import Workspace


@shared_task(
    bind=True,
    acks_late=True,
    name="leads.tasks.scoring.retrain_workspace",
    max_retries=20,
)
def retrain_workspace(self, workspace_id, trigger="threshold"):
    """One retraining per workspace at a time; when another holds the lock, try again later
    (a crashed worker's lease expires, so the job always runs in the end)."""
    from leads.services.scoring import retrain

    workspace = Workspace.objects.filter(pk=workspace_id).first()
    if workspace is None:
        return "workspace gone"
    lease_seconds = settings.LEADS_RETRAIN_LEASE_SECONDS
    with job_lease(f"retrain:{workspace.id}", lease_seconds) as acquired:
        if not acquired:
            if self.request.is_eager:  # run in the web process: never make the request wait or fail
                return "busy"
            raise self.retry(countdown=min(60, lease_seconds))
        version = retrain(workspace, trigger=trigger)
    return f"{version.label}: {version.decision}"


@shared_task(bind=True, acks_late=True, name="leads.tasks.scoring.run_import")
def run_import(self, import_id):
    from leads.services.imports import run_lead_import

    with job_lease(f"import:{import_id}", 3600) as acquired:
        if acquired:
            run_lead_import(import_id)
