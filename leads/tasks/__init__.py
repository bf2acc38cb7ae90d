"""Celery tasks of the leads app; Celery imports this package, so import each task module here."""

from leads.tasks import executions, scoring, webhooks  # noqa: F401
