"""Project configuration: settings, URLs, the Celery app and the JSON API."""

from .celery import app as celery_app

__all__ = ("celery_app",)
