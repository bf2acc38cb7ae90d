"""The services pass: the app really runs on PostgreSQL and Redis with a worker behind Redis."""

import pytest
from django.conf import settings
from django.db import connection

from workspaces.models import WorkerHeartbeat

pytestmark = pytest.mark.services


@pytest.mark.django_db
def test_database_is_postgresql():
    assert connection.vendor == "postgresql"


def test_celery_and_cache_use_redis():
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_task_dispatched_in_request_reaches_worker_through_redis(live_worker, owner_client, workspace):
    owner_client.post("/workspaces/worker-check/")
    heartbeat = WorkerHeartbeat.objects.get(workspace=workspace)
    live_worker.wait_for(
        lambda: WorkerHeartbeat.objects.filter(pk=heartbeat.pk, completed_at__isnull=False).exists(),
        timeout=60,
        message="the heartbeat task",
    )
