"""Jobs whose worker dies: the lease expires and the reaper fails the job with its reason or
sends it again; a re-run stores nothing twice (docs/reliability.md)."""

import signal
import time
import uuid
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from content.models import DailyMetric, MetricImport
from content.services.ingest import ingest_csv_text
from content.tasks import import_metrics_csv
from leads.models import Execution, Lead, LeadImport, Outcome, ScoringModelVersion, ScoringSettings
from leads.services.executions import start_execution
from leads.services.imports.importing import import_leads
from leads.services.imports.uploads import _import_dir
from leads.services.scoring.retraining import retrain
from leads.services.scoring.settings import scoring_settings
from leads.tasks.executions import run_execution_task
from leads.tasks.imports import run_import
from leads.tasks.scoring import resend_pending_retrainings, retrain_workspace
from tests.conftest import start_worker, stop_worker
from tests.leads.factories import AgentFactory, ExecutionFactory, RecipeFactory
from tests.leads.stub_agent import Reply, stub_agent
from tests.leads.training_data import make_leads_with_outcomes
from workspaces.jobs import INTERRUPTED, fail_interrupted_jobs
from workspaces.locks import acquire_lease, job_lease
from workspaces.models import JobLease

QUEUE = "interrupted-jobs-test"  # a queue of its own, so no other test's worker takes the job
LEASE = 3  # seconds, for the doomed worker: its dead job's lease expires soon


def _lead_file(n):
    lines = ["crm_id,name,engagement_score,converted\n"]
    lines += [f"K-{i},Lead {i},0.{i % 10},{'yes' if i % 3 == 0 else 'no'}\n" for i in range(n)]
    return "".join(lines).encode()


def _metrics_file(posts, days):
    lines = ["post_id,brand,platform,variant,experiment,text,date,impressions,clicks,conversions,revenue\n"]
    for day in range(1, days + 1):
        lines += [
            f"P-{p},Acme,facebook,{'AB'[p % 2]},spring,Text {p},2026-03-{day:02d},{100 + p},{p % 9},0,0\n"
            for p in range(posts)
        ]
    return "".join(lines)


def _eventually(condition, timeout, message):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.5)
    pytest.fail(f"timed out after {timeout}s waiting for {message}")


def _reaped(model, pk):
    """The reaper's verdict once the dead worker's lease has expired (None while it holds)."""
    fail_interrupted_jobs()
    row = model.objects.get(pk=pk)
    return row if row.status == "failed" else None


# --- the reaper and the lease, without a worker --------------------------------------------


@pytest.mark.django_db
def test_a_running_import_without_a_live_lease_is_failed_with_the_reason(workspace):
    job = LeadImport.objects.create(
        workspace=workspace, file_name="a.csv", file_path="/nowhere", status="running"
    )
    JobLease.objects.create(
        name=f"import:{job.id}", holder="dead", expires_at=timezone.now() - timedelta(seconds=1)
    )
    fail_interrupted_jobs()
    job.refresh_from_db()
    assert (job.status, job.failure) == ("failed", INTERRUPTED)
    assert job.finished_at is not None


@pytest.mark.django_db
def test_a_running_import_whose_lease_is_live_is_left_running(workspace):
    job = LeadImport.objects.create(
        workspace=workspace, file_name="a.csv", file_path="/nowhere", status="running"
    )
    acquire_lease(f"import:{job.id}", 60)
    fail_interrupted_jobs()
    job.refresh_from_db()
    assert job.status == "running"


@pytest.mark.django_db
def test_finished_and_queued_jobs_are_not_touched_by_the_reaper(workspace):
    done = LeadImport.objects.create(workspace=workspace, file_name="a.csv", file_path="/x", status="done")
    queued = MetricImport.objects.create(workspace=workspace, file_name="m.csv", csv_text="", status="queued")
    fail_interrupted_jobs()
    done.refresh_from_db()
    queued.refresh_from_db()
    assert (done.status, queued.status) == ("done", "queued")


@pytest.mark.django_db
def test_a_running_metrics_import_without_a_lease_is_failed_with_the_reason(workspace):
    job = MetricImport.objects.create(workspace=workspace, file_name="m.csv", csv_text="", status="running")
    fail_interrupted_jobs()
    job.refresh_from_db()
    assert (job.status, job.error) == ("failed", INTERRUPTED)


@pytest.mark.django_db
def test_a_running_recipe_run_without_a_lease_is_failed_with_the_reason(workspace):
    recipe = RecipeFactory(agent=AgentFactory(workspace=workspace))
    execution = ExecutionFactory(recipe=recipe, status="running", finished_at=None, progress=40)
    fail_interrupted_jobs()
    execution = Execution.objects.get(pk=execution.pk)
    assert (execution.status, execution.error, execution.progress) == ("failed", INTERRUPTED, 100)


@pytest.mark.django_db
def test_a_retraining_whose_worker_died_is_sent_again_at_once(workspace, settings):
    settings.LEADS_RETRAIN_RESEND_SECONDS = 300
    scoring_settings(workspace)
    ScoringSettings.objects.filter(workspace=workspace).update(
        retrain_pending=True, retrain_queued_at=timezone.now() - timedelta(seconds=20)
    )
    name = f"retrain:{workspace.id}"
    JobLease.objects.create(name=name, holder="dead", expires_at=timezone.now() - timedelta(seconds=1))
    with mock.patch("leads.tasks.scoring.retrain_workspace.delay") as delay:
        assert resend_pending_retrainings(older_than_seconds=300) == 1
        assert resend_pending_retrainings(older_than_seconds=300) == 0  # sent once, not every minute
    delay.assert_called_once_with(str(workspace.id), "resent")


@pytest.mark.django_db
def test_a_recent_pending_retraining_that_never_started_waits_for_the_resend_delay(workspace):
    scoring_settings(workspace)
    ScoringSettings.objects.filter(workspace=workspace).update(
        retrain_pending=True, retrain_queued_at=timezone.now()
    )
    with mock.patch("leads.tasks.scoring.retrain_workspace.delay") as delay:
        assert resend_pending_retrainings(older_than_seconds=300) == 0
    delay.assert_not_called()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_lease_is_renewed_while_its_job_runs_and_released_after():
    name = f"test:{uuid.uuid4().hex}"
    with job_lease(name, 3) as acquired:
        assert acquired
        first = JobLease.objects.get(name=name).expires_at
        time.sleep(4)  # longer than the lease: only the renewals keep it
        renewed = JobLease.objects.get(name=name).expires_at
        assert renewed > first and renewed > timezone.now()
    assert not JobLease.objects.filter(name=name).exists()


# --- a real worker killed mid-job ----------------------------------------------------------


@pytest.fixture
def doomed_worker(tmp_path, monkeypatch):
    monkeypatch.setenv("JOB_LEASE_SECONDS", str(LEASE))
    worker = start_worker(tmp_path, name="doomed", queues=QUEUE, concurrency=1)
    yield worker
    stop_worker(worker, signal.SIGKILL)


@pytest.mark.worker
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_lead_import_killed_mid_file_is_failed_and_a_rerun_stores_nothing_twice(workspace, doomed_worker):
    rows = 60_000
    data = _lead_file(rows)
    path = _import_dir() / f"{uuid.uuid4().hex}.csv"
    path.write_bytes(data)
    job = LeadImport.objects.create(
        workspace=workspace,
        file_name="big.csv",
        file_path=str(path),
        id_column="crm_id",
        outcome_column="converted",
        positive_value="yes",
        total_rows=rows,
    )
    run_import.apply_async((str(job.id),), queue=QUEUE)
    doomed_worker.wait_for(
        lambda: LeadImport.objects.filter(pk=job.pk, status="running", processed_rows__gt=0).exists(),
        timeout=120,
        message="the import to be part-way",
    )
    stop_worker(doomed_worker, signal.SIGKILL)
    job.refresh_from_db()
    assert job.status == "running" and job.processed_rows < rows, "killed too late"
    stored = Lead.objects.filter(workspace=workspace).count()
    assert 0 < stored < rows

    failed = _eventually(lambda: _reaped(LeadImport, job.pk), LEASE + 30, "the reaper to fail the job")
    assert failed.failure == INTERRUPTED

    result = import_leads(workspace, data, "crm_id", "converted", "yes")  # the user runs it again
    assert result.created == rows - stored
    assert Lead.objects.filter(workspace=workspace).count() == rows
    assert Outcome.objects.filter(workspace=workspace).count() == rows


@pytest.mark.worker
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_metrics_import_killed_mid_file_is_failed_and_a_rerun_stores_nothing_twice(workspace, doomed_worker):
    posts, days = 1000, 30
    text = _metrics_file(posts, days)
    job = MetricImport.objects.create(
        workspace=workspace, file_name="metrics.csv", csv_text=text, total_rows=posts * days
    )
    import_metrics_csv.apply_async((str(job.id),), queue=QUEUE)
    doomed_worker.wait_for(
        lambda: MetricImport.objects.filter(pk=job.pk, status="running", processed_rows__gt=0).exists(),
        timeout=120,
        message="the metrics import to be part-way",
    )
    stop_worker(doomed_worker, signal.SIGKILL)
    job.refresh_from_db()
    assert job.status == "running" and job.processed_rows < posts * days, "killed too late"

    failed = _eventually(lambda: _reaped(MetricImport, job.pk), LEASE + 30, "the reaper to fail the job")
    assert failed.error == INTERRUPTED

    result = ingest_csv_text(workspace, text)
    assert result["ingested"] == posts * days
    assert DailyMetric.objects.filter(workspace=workspace).count() == posts * days


@pytest.mark.worker
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_retraining_killed_mid_run_is_sent_again_once_its_lease_expires(workspace, doomed_worker, tmp_path):
    make_leads_with_outcomes(workspace, 200)
    assert retrain(workspace).decision == "promoted"
    make_leads_with_outcomes(workspace, 3000, seed=11, start=10_000, minutes_ago=5)  # a slower training
    ScoringSettings.objects.filter(workspace=workspace).update(
        retrain_pending=True, retrain_queued_at=timezone.now()
    )
    retrain_workspace.apply_async((str(workspace.id), "test"), queue=QUEUE)
    doomed_worker.wait_for(
        lambda: JobLease.objects.filter(name=f"retrain:{workspace.id}").exists(),
        timeout=60,
        message="the retraining to start",
    )
    stop_worker(doomed_worker, signal.SIGKILL)
    assert ScoringModelVersion.objects.filter(workspace=workspace).count() == 1, "killed too late"

    # What the beat's reconciler does each minute: the retraining was queued just now, so only
    # the dead worker's expired lease makes it send the job again (not the 300 s resend delay).
    _eventually(lambda: resend_pending_retrainings(older_than_seconds=300), LEASE + 30, "the resend")

    second = start_worker(tmp_path, name="second", queues="ml", concurrency=1)  # where it is resent
    try:
        version = second.wait_for(
            lambda: ScoringModelVersion.objects.filter(workspace=workspace, version=2).first(),
            timeout=240,
            message="the retraining to run again",
        )
    finally:
        stop_worker(second)
    assert version.training_rows == 3200
    assert not ScoringSettings.objects.get(workspace=workspace).retrain_pending


@pytest.mark.worker
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_recipe_run_killed_while_waiting_for_its_agent_is_failed_with_the_reason(
    workspace, tmp_path, monkeypatch, settings
):
    settings.LEADS_AGENT_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    monkeypatch.setenv("LEADS_AGENT_ALLOWED_NETWORKS", "127.0.0.0/8")
    monkeypatch.setenv("LEADS_AGENT_TIMEOUT", "60")
    monkeypatch.setenv("JOB_LEASE_SECONDS", str(LEASE))
    agent = AgentFactory(workspace=workspace, source="http", name="Slow")
    with stub_agent({"/leads": Reply.leads([{"name": "Ann"}], delay=30)}) as stub:
        recipe = RecipeFactory(agent=agent, name="slow", endpoint_url=stub.url())
        with mock.patch.object(run_execution_task, "delay_on_commit"):  # sent below, to our queue
            execution = start_execution(workspace, recipe)
        worker = start_worker(tmp_path, name="doomed", queues=QUEUE, concurrency=1)
        try:
            run_execution_task.apply_async((str(execution.id),), queue=QUEUE)
            worker.wait_for(lambda: stub.requests, timeout=60, message="the agent to be called")
        finally:
            stop_worker(worker, signal.SIGKILL)
        assert Execution.objects.get(pk=execution.pk).status == "running"
        failed = _eventually(lambda: _reaped(Execution, execution.pk), LEASE + 30, "the reaper")
    assert failed.error == INTERRUPTED
    assert failed.leads.count() == 0
