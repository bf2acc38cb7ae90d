"""Worker task that runs a recipe execution (the logic is in leads.services.execution_worker)."""

from celery import shared_task
from django.conf import settings
from django.db.utils import InterfaceError, OperationalError

from leads.services.execution_worker import run_execution, stalled_executions


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=settings.LEADS_EXECUTION_TIME_LIMIT,
    time_limit=settings.LEADS_EXECUTION_TIME_LIMIT + 30,
)
def run_execution_task(self, execution_id):
    execution = run_execution(execution_id)
    return None if execution is None else execution.status


@shared_task(bind=True, acks_late=True)
def requeue_stalled_executions(self):
    """Periodic: queue again the executions whose task was lost (still queued, or running far too long)."""
    stalled = stalled_executions()
    for execution_id in stalled:
        run_execution_task.delay(str(execution_id))
    return len(stalled)
