"""Faults with the real services (the database going away under load, Redis stopped, a worker
killed mid-retraining), on private servers only (docs/reliability.md)."""

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from decimal import Decimal

import pytest
from django.utils import timezone

from config.celery import app
from content.models import Brand, DailyMetric, Experiment, Post, WinnerDecision, WinnerRun
from content.services.winner_job import LEASE_SECONDS
from content.tasks import decide_workspace_winners
from leads.models import Lead, ScoringModelVersion, ScoringSettings
from leads.models.outcomes import Outcome
from leads.services.scoring.settings import scoring_settings
from leads.tasks.scoring import retrain_workspace
from tests.conftest import PROJECT_DIR, worker_environment
from tests.leads.training_data import make_leads_with_outcomes
from tests.reliability.load_client import Call, Gunicorn, run_load
from tests.reliability.private_servers import run_django
from tests.workspaces.factories import ApiTokenFactory, WorkspaceFactory
from workspaces.models import JobLease

pytestmark = [pytest.mark.services, pytest.mark.slow]

TOKEN = "fl_fault001_reliability-fault-token"
OUTAGE_SECONDS = 4


def _workspace_with_leads(n, prefix="F"):
    workspace = WorkspaceFactory(name="Fault team", slug="fault-team")
    ApiTokenFactory(workspace=workspace, raw=TOKEN)
    Lead.objects.bulk_create(
        [Lead(workspace=workspace, external_id=f"{prefix}-{i}", name=f"Lead {i}") for i in range(n)]
    )
    return workspace


def _outcome_calls(n, prefix="F"):
    return [
        Call(f"{prefix}-{i}", "PUT", f"/api/v1/feedback/{prefix}-{i}?outcome={str(i % 3 == 0).lower()}")
        for i in range(n)
    ]


def _private_app_environment(postgres, broker):
    """What gunicorn needs to serve the app from the private cluster's database `app`."""
    env = worker_environment()
    env.update(broker)
    env.update(DATABASE_URL=postgres.url("app"), ALLOWED_HOSTS="127.0.0.1", LOG_LEVEL="WARNING")
    return env


# The app's schema by its migrations, then a workspace, its token and N leads (one process: each
# Django start costs seconds on a busy machine).
MIGRATE_AND_SEED_PRIVATE_DATABASE = f"""
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
from leads.models import Lead
from tests.workspaces.factories import ApiTokenFactory, WorkspaceFactory
workspace = WorkspaceFactory(name="Fault team", slug="fault-team")
ApiTokenFactory(workspace=workspace, raw={TOKEN!r})
Lead.objects.bulk_create(
    [Lead(workspace=workspace, external_id=f"F-{{i}}", name=f"Lead {{i}}") for i in range(N)], batch_size=2000
)
result = str(workspace.id)
"""

COUNT_PRIVATE_DATABASE = """
from django.db.models import Count
from leads.models import ScoringSettings
from leads.models.outcomes import Outcome
outcomes = Outcome.objects.filter(workspace_id=WORKSPACE)
row = ScoringSettings.objects.filter(workspace_id=WORKSPACE).first()
result = {
    "stored": sorted(outcomes.values_list("lead__external_id", flat=True)),
    "duplicates": outcomes.values("lead").annotate(n=Count("id")).filter(n__gt=1).count(),
    "counter": row.outcomes_since_training if row else None,
}
"""


def test_postgresql_restarted_under_load_answers_503_then_recovers_without_restart(
    tmp_path, private_postgres, idle_broker, capsys
):
    """A real PostgreSQL server (a private cluster: the shared one serves the rest of CI) is
    stopped (fast shutdown: sessions killed mid-request) while 8 connections post outcomes, kept
    down OUTAGE_SECONDS, and started again. Every answer is a 200 or a 503 with Retry-After in
    the API's error format, none hangs; the same gunicorn processes answer 200 afterwards; every
    acknowledged outcome is stored exactly once and the retraining counter equals a recount."""
    n = 3000
    private_postgres.create_database("app")
    env = _private_app_environment(private_postgres, idle_broker)
    workspace_id = run_django(env, MIGRATE_AND_SEED_PRIVATE_DATABASE.replace("range(N)", f"range({n})"))
    server = Gunicorn(env, tmp_path / "gunicorn.log")
    outage = {}
    try:
        pid = server.process.pid
        started = time.monotonic()

        def restart():
            time.sleep(4)
            outage["stop"] = time.monotonic() - started
            private_postgres.stop(mode="fast")
            outage["down"] = time.monotonic() - started
            time.sleep(OUTAGE_SECONDS)
            private_postgres.start()
            outage["up"] = time.monotonic() - started

        restarter = threading.Thread(target=restart)
        restarter.start()
        # The load lasts until a few seconds after the restart, however long the restart takes on
        # a busy machine; each lead is sent up to three times (the PUT is idempotent), so the fast
        # 503s of the outage cannot use up the calls before the database is back.
        result = run_load(
            "127.0.0.1",
            server.port,
            TOKEN,
            _outcome_calls(n) * 3,
            connections=8,
            time_limit=90,
            stop=lambda: "up" in outage and time.monotonic() - started > outage["up"] + 4,
        )
        restarter.join()
        # A client honouring Retry-After sends the refused calls again once the database is back.
        refused = [answer.call for answer in result.answers if answer.status != 200]
        retried = run_load("127.0.0.1", server.port, TOKEN, refused, connections=8, time_limit=60)
        health, _ = server.get("/api/v1/health")
        assert server.process.pid == pid and server.process.poll() is None  # never restarted
        log = server.log()
    finally:
        server.stop()
    counts = run_django(env, COUNT_PRIVATE_DATABASE.replace("WORKSPACE", repr(workspace_id)))

    statuses = result.statuses()
    slowest = max(a.seconds for a in result.answers)
    with capsys.disabled():
        print(
            f"\nPostgreSQL restart {outage}: {len(result.answers)} calls in {result.seconds:.1f}s, "
            f"statuses {dict(statuses)}, slowest {slowest:.1f}s; retried {dict(retried.statuses())}"
        )
    assert "admin_shutdown" in private_postgres.log() or "shutting down" in private_postgres.log()
    assert set(statuses) <= {200, 503}, (dict(statuses), log[-3000:])
    assert slowest < 10, "a request hung through the outage"
    refusals = [a for a in result.answers if a.status == 503]
    assert refusals, "the outage was not seen by any request"
    assert all(
        a.retry_after and a.body and set(a.body) == {"detail"} and "unavailable" in a.body["detail"]
        for a in refusals
    ), refusals[:3]
    after = [a for a in result.answers if a.at > outage["up"] + 1]
    assert after and all(a.status == 200 for a in after), "no recovery after the restart"
    assert set(retried.statuses()) == {200} and health == 200
    # The workers gunicorn started are the ones that answered after the restart: none was replaced.
    assert log.count("Booting worker") == 3, log[-3000:]

    sent = {a.call.key for a in result.answers if a.status == 200} | {a.call.key for a in retried.answers}
    assert set(counts["stored"]) == sent and len(counts["stored"]) == len(sent)
    assert counts["duplicates"] == 0
    assert counts["counter"] == len(sent)


# --- Redis ----------------------------------------------------------------------------------


def _retraining_ready_workspace(threshold):
    """A workspace with enough history to train, a threshold, and leads still without outcomes."""
    workspace = _workspace_with_leads(threshold + 10, prefix="R")
    make_leads_with_outcomes(workspace, 150, seed=2)
    row = scoring_settings(workspace)
    ScoringSettings.objects.filter(pk=row.pk).update(
        retrain_threshold=threshold, outcomes_since_training=0, retrain_pending=False
    )
    return workspace


def _start_worker(tmp_path, env, name="fault-worker"):
    """A celery worker on the given environment (the private Redis as broker)."""
    log_path = tmp_path / f"{name}.log"
    log = open(log_path, "w")  # noqa: SIM115 - kept open for the process's lifetime
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--queues=celery,ml",
            "--concurrency=1",
            "--loglevel=INFO",
            f"--hostname={name}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=PROJECT_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 90
    while "ready." not in log_path.read_text(errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the worker did not start:\n{log_path.read_text()[-3000:]}")
        time.sleep(0.2)
    return process, log_path


def _kill(process, sig=signal.SIGTERM):
    if process.poll() is None:
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _wait(condition, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.3)
    return False


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_outcomes_posted_while_redis_is_down_succeed_and_retraining_follows_when_it_is_back(
    tmp_path, private_redis
):
    threshold = 20
    workspace = _retraining_ready_workspace(threshold)
    env = worker_environment()
    env.update(ALLOWED_HOSTS="127.0.0.1", LOG_LEVEL="WARNING", REDIS_URL=private_redis.url)
    server = Gunicorn(env, tmp_path / "gunicorn.log")
    worker = None
    try:
        private_redis.stop()
        calls = _outcome_calls(threshold + 5, prefix="R")
        result = run_load("127.0.0.1", server.port, TOKEN, calls, connections=4, time_limit=60)
        private_redis.start()
        worker, _ = _start_worker(tmp_path, env)
        retrained = _wait(lambda: ScoringModelVersion.objects.filter(workspace=workspace).exists(), 15)
    finally:
        server.stop()
        if worker is not None:
            _kill(worker)
    statuses = result.statuses()
    stored = Outcome.objects.filter(workspace=workspace, lead__external_id__startswith="R-").count()
    versions = ScoringModelVersion.objects.filter(workspace=workspace).count()
    problems = []
    if set(statuses) != {200}:
        problems.append(f"answers while Redis was down: {dict(statuses)}")
    if stored != len(calls):
        problems.append(f"{stored} of {len(calls)} outcomes stored")
    if not retrained or versions != 1:
        problems.append(f"{versions} retrainings within 15 s of Redis coming back (expected 1)")
    assert not problems, (problems, server.log()[-1500:])


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_worker_killed_during_retraining_the_job_is_retried_and_its_result_is_single(tmp_path, private_redis):
    """SIGKILL the worker while it trains; a new worker gets the task again (acks_late) once the
    broker's visibility timeout passes, waits out the dead worker's lease, and trains once.
    Both timeouts are scaled down from hours and minutes to seconds, keeping their ratio."""
    workspace = _retraining_ready_workspace(threshold=1000)
    make_leads_with_outcomes(workspace, 600, seed=3, start=5000, minutes_ago=5)  # a longer training
    env = worker_environment()
    env.update(
        REDIS_URL=private_redis.url,
        CELERY_VISIBILITY_TIMEOUT="8",
        CELERY_UNACKED_RESTORE_INTERVAL="1",
        CELERY_UNACKED_RESTORE_THROTTLE="1",
        LEADS_RETRAIN_LEASE_SECONDS="4",
    )
    worker, log_path = _start_worker(tmp_path, env, name="doomed")
    try:
        # What request_retraining does, sent to the private broker this test's worker reads.
        ScoringSettings.objects.filter(workspace=workspace).update(
            retrain_pending=True, retrain_queued_at=timezone.now()
        )
        with app.connection_for_write(private_redis.url) as broker:
            retrain_workspace.apply_async((str(workspace.id), "command"), connection=broker)
        started = _wait(lambda: JobLease.objects.filter(name=f"retrain:{workspace.id}").exists(), 60)
        assert started, log_path.read_text()[-3000:]
        _kill(worker, signal.SIGKILL)
        assert not ScoringModelVersion.objects.filter(workspace=workspace).exists(), "killed too late"
        worker, log_path = _start_worker(tmp_path, env, name="survivor")
        done = _wait(lambda: ScoringModelVersion.objects.filter(workspace=workspace).exists(), 120)
        assert done, log_path.read_text()[-3000:]
        time.sleep(5)  # room for a duplicate delivery to show up
    finally:
        _kill(worker)
    assert ScoringModelVersion.objects.filter(workspace=workspace).count() == 1
    row = ScoringSettings.objects.get(workspace=workspace)
    assert row.retrain_pending is False


def _experiments_with_metrics(workspace, experiments, days=7):
    brand = Brand.objects.create(workspace=workspace, name="Fault brand")
    today = dt.date.today()
    Experiment.objects.bulk_create(
        [Experiment(workspace=workspace, brand=brand, name=f"exp-{i}") for i in range(experiments)]
    )
    posts = Post.objects.bulk_create(
        [
            Post(
                workspace=workspace,
                brand=brand,
                experiment=experiment,
                external_id=f"{experiment.name}-{v}",
                platform="facebook",
                variant=v,
                text=f"Copy {v} of {experiment.name}",
            )
            for experiment in Experiment.objects.filter(workspace=workspace)
            for v in ("A", "B")
        ]
    )
    DailyMetric.objects.bulk_create(
        [
            DailyMetric(
                workspace=workspace,
                post=post,
                date=today - dt.timedelta(days=d + 1),
                impressions=1000,
                clicks=40 + (10 if post.variant == "B" else 0) + d,
                conversions=4,
                revenue=Decimal("50"),
            )
            for post in posts
            for d in range(days)
        ]
    )


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_worker_killed_during_the_winner_job_the_job_is_retried_and_decides_each_experiment_once(
    tmp_path, private_redis
):
    """SIGKILL the worker while it decides winners; the redelivered job finishes the same run and
    every experiment has exactly one decision for the day."""

    workspace = WorkspaceFactory(name="Winner team", slug="winner-team")
    experiments = 300
    _experiments_with_metrics(workspace, experiments)
    run = WinnerRun.objects.create(
        workspace=workspace, trigger=WinnerRun.Trigger.MANUAL, run_date=timezone.localdate()
    )
    env = worker_environment()
    env.update(
        REDIS_URL=private_redis.url,
        CELERY_VISIBILITY_TIMEOUT="8",
        CELERY_UNACKED_RESTORE_INTERVAL="1",
        CELERY_UNACKED_RESTORE_THROTTLE="1",
    )
    worker, log_path = _start_worker(tmp_path, env, name="doomed")
    try:
        with app.connection_for_write(private_redis.url) as broker:
            decide_workspace_winners.apply_async((str(workspace.id), str(run.id)), connection=broker)
        lease = f"content-winners:{workspace.id}"
        assert _wait(lambda: JobLease.objects.filter(name=lease).exists(), 60), log_path.read_text()[-3000:]
        _kill(worker, signal.SIGKILL)
        run.refresh_from_db()
        assert run.status == WinnerRun.Status.RUNNING, "killed too late"
        # The dead worker's lease (900 s in production) runs out long before Redis hands the task
        # to another worker (2 hours); here time is compressed, so let it run out now.
        assert LEASE_SECONDS < 2 * 3600
        JobLease.objects.filter(name=lease).update(expires_at=timezone.now())
        worker, log_path = _start_worker(tmp_path, env, name="survivor")
        done = _wait(lambda: WinnerRun.objects.filter(pk=run.pk, status=WinnerRun.Status.DONE).exists(), 120)
        assert done, log_path.read_text()[-3000:]
        time.sleep(5)  # room for a duplicate delivery to show up
    finally:
        _kill(worker)
    run.refresh_from_db()
    assert run.experiments_processed == experiments and run.errors == 0, run.error_messages
    assert WinnerRun.objects.filter(workspace=workspace).count() == 1
    decisions = WinnerDecision.objects.filter(workspace=workspace, decided_for=run.run_date)
    assert decisions.count() == experiments
    assert decisions.values("experiment").distinct().count() == experiments
