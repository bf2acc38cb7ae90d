"""Celery tasks of the matching loop (queue `ml`)."""

from celery import shared_task
from django.db import OperationalError

from matching.services import weights
from workspaces.models import Workspace


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def learn_weights(self, workspace_id):
    """Learn new factor weights from every recorded choice of the workspace."""
    workspace = Workspace.objects.filter(pk=workspace_id).first()
    if workspace is None:
        return None
    try:
        version = weights.learn_weights(workspace)
    except weights.LearningBusy as busy:
        # choices recorded during the running fit must still be learned: come back after it
        raise self.retry(countdown=30, max_retries=20) from busy
    return version.number if version else None
