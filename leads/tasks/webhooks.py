"""Periodic clean-up of the webhook event ids remembered for redelivery checks."""

from celery import shared_task
from django.conf import settings

from leads.services.outcomes import delete_old_webhook_events as delete_old


@shared_task(bind=True, acks_late=True)
def delete_old_webhook_events(self):
    """Daily: forget event ids older than LEADS_WEBHOOK_EVENT_RETENTION_DAYS (a redelivery older
    than that would count again, so the retention is kept well beyond any CRM's retry window)."""
    return delete_old(settings.LEADS_WEBHOOK_EVENT_RETENTION_DAYS)
