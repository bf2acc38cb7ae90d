"""A task dispatched in a request reaches a real worker process and its result shows on the page."""

from unittest import mock

import pytest

from workspaces.models import WorkerHeartbeat


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_worker_check_round_trip_is_visible(live_worker, owner_client, workspace):
    response = owner_client.post("/workspaces/worker-check/", HTTP_HX_REQUEST="true")
    assert "waiting for a worker" in response.content.decode()
    heartbeat = WorkerHeartbeat.objects.get(workspace=workspace)

    def answered():
        page = owner_client.get(f"/workspaces/worker-check/{heartbeat.id}/").content.decode()
        return "Worker answered" in page and page

    page = live_worker.wait_for(answered, timeout=60, message="the worker check to complete")
    assert "worker@" in page


def test_worker_check_is_queued_on_commit(owner_client, workspace, django_capture_on_commit_callbacks, db):
    with mock.patch("workspaces.tasks.complete_heartbeat.delay") as delay:
        with django_capture_on_commit_callbacks(execute=True):
            owner_client.post("/workspaces/worker-check/")
    heartbeat = WorkerHeartbeat.objects.get(workspace=workspace)
    delay.assert_called_once_with(str(heartbeat.id))
