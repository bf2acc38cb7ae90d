"""Fault: the worker dies in the middle of a retraining (Redis broker, PostgreSQL)."""

import signal

import pytest
from django.utils import timezone

from leads.models import ScoringModelVersion, ScoringSettings
from leads.services.scoring.champion import serving_model
from leads.services.scoring.retraining import retrain
from leads.tasks.scoring import retrain_workspace
from tests.conftest import start_worker, stop_worker
from tests.leads.training_data import make_leads_with_outcomes
from workspaces.models import JobLease

QUEUE = "ml-kill-test"  # a queue of its own, so no other test worker takes the job


@pytest.mark.services
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_retraining_keeps_the_champion_and_the_job_runs_again(
    workspace, tmp_path, monkeypatch, api_client
):
    make_leads_with_outcomes(workspace, 200)
    champion = retrain(workspace)
    assert champion.decision == "promoted"
    make_leads_with_outcomes(workspace, 3000, seed=11, start=10_000, minutes_ago=5)  # a slower training
    monkeypatch.setenv("LEADS_RETRAIN_LEASE_SECONDS", "5")  # the lock a dead worker leaves expires soon
    monkeypatch.setenv("CELERY_VISIBILITY_TIMEOUT", "5")  # and Redis hands its job out again soon

    doomed = start_worker(tmp_path, name="doomed", queues=QUEUE, concurrency=1)
    try:
        # What request_retraining does before it queues the job.
        ScoringSettings.objects.filter(workspace=workspace).update(
            retrain_pending=True, retrain_queued_at=timezone.now()
        )
        retrain_workspace.apply_async((str(workspace.id), "test"), queue=QUEUE)
        doomed.wait_for(
            lambda: JobLease.objects.filter(name=f"retrain:{workspace.id}").exists(),
            timeout=60,
            message="the retraining to start",
        )
    finally:
        stop_worker(doomed, signal.SIGKILL)

    assert ScoringModelVersion.objects.filter(workspace=workspace).count() == 1, "killed too late"
    assert serving_model(workspace)[2] == "v1"
    body = api_client.post("/api/v1/score", data={"lead_id": "T-0"}, content_type="application/json").json()
    assert body["model_version"] == "v1"

    second = start_worker(tmp_path, name="second", queues=QUEUE, concurrency=1)
    try:
        # Done means the new version is written AND the job has let go of its lease (the version row
        # commits a moment before the lease is released: stopping the worker in between left it held).
        version = second.wait_for(
            lambda: (
                None
                if JobLease.objects.filter(name=f"retrain:{workspace.id}").exists()
                else ScoringModelVersion.objects.filter(workspace=workspace, version=2).first()
            ),
            timeout=240,
            message="the retraining to run again and release its lease",
        )
    finally:
        stop_worker(second)
    assert version.decision in {"promoted", "kept"} and version.reason
    assert version.training_rows == 3200
    assert not JobLease.objects.filter(name=f"retrain:{workspace.id}").exists()
    assert ScoringSettings.objects.get(workspace=workspace).champion_id in {champion.id, version.id}
