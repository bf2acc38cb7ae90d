"""Workspace tasks: the worker round trip that shows the queue is alive."""

import socket

from celery import shared_task
from django.utils import timezone

from workspaces import jobs
from workspaces.models import WorkerHeartbeat


@shared_task(bind=True, acks_late=True)
def complete_heartbeat(self, heartbeat_id):
    WorkerHeartbeat.objects.filter(pk=heartbeat_id, completed_at__isnull=True).update(
        completed_at=timezone.now(), worker_hostname=self.request.hostname or socket.gethostname()
    )


@shared_task(bind=True, acks_late=True)
def fail_interrupted_jobs(self):
    """Periodic: jobs whose worker died (their lease expired) are marked failed with the reason."""
    return jobs.fail_interrupted_jobs()
