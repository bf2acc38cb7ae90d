"""Retraining (queue `ml`) and the reconciler that sends lost retrainings again, run by the worker."""

import logging

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings

from leads.services.scoring.retraining import lost_retrainings, retrain, retraining_is_pending
from workspaces.locks import job_lease
from workspaces.models import Workspace

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    acks_late=True,
    name="leads.tasks.scoring.retrain_workspace",
    max_retries=20,
)
def retrain_workspace(self, workspace_id, trigger="threshold"):
    """One retraining per workspace at a time; when another holds the lock, try again later
    (a crashed worker's lease expires, so the job always runs in the end)."""
    workspace = Workspace.objects.filter(pk=workspace_id).first()
    if workspace is None:
        return "workspace gone"
    lease_seconds = settings.LEADS_RETRAIN_LEASE_SECONDS
    with job_lease(f"retrain:{workspace.id}", lease_seconds) as acquired:
        if not acquired:
            if self.request.is_eager:  # run in the web process: never make the request wait or fail
                return "busy"
            raise self.retry(countdown=min(60, lease_seconds))
        if not retraining_is_pending(workspace):
            # A resent or redelivered copy whose retraining an earlier run already did.
            return "nothing pending"
        version = retrain(workspace, trigger=trigger)
    return f"{version.label}: {version.decision}"


@shared_task(bind=True, acks_late=True, name="leads.tasks.scoring.resend_pending_retrainings")
def resend_pending_retrainings(self, older_than_seconds=None):
    """Periodic reconciler: a retraining whose task was lost (broker down when it was queued) is
    sent again, so outcomes recorded during an outage still lead to a retraining. A duplicate is
    harmless: the task does nothing once nothing is pending. Answers how many it sent."""
    if older_than_seconds is None:
        older_than_seconds = settings.LEADS_RETRAIN_RESEND_SECONDS
    sent = 0
    for workspace_id in lost_retrainings(older_than_seconds):
        retrain_workspace.delay(workspace_id, "resent")
        sent += 1
    return sent


@worker_ready.connect
def resend_when_a_worker_starts(sender=None, **kwargs):
    """A worker coming up (after an outage, a deploy) sends every pending retraining at once."""
    try:
        resend_pending_retrainings(older_than_seconds=0)
    except Exception:  # the worker must start even when this check cannot run
        logger.exception("could not resend pending retrainings at worker start")
