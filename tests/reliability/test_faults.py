"""Faults with the real services: the database going away under load, Redis stopped while
outcomes are posted, a worker killed in the middle of a retraining.

None of these stops the machine's shared PostgreSQL or Redis: the database outage refuses and
drops the connections of the test database only (what a restart looks like to the app), and the
Redis faults use a private redis-server started by the test.
"""

import os
import shutil
import signal
import subprocess
import sys
import threading
import time

import psycopg
import pytest
from django.db import connection

from leads.models import Lead, ScoringModelVersion, ScoringSettings
from leads.models.outcomes import Outcome
from leads.services.scoring import scoring_settings
from tests.conftest import PROJECT_DIR, worker_environment
from tests.leads.loop2_data import make_leads_with_outcomes
from tests.reliability.load_client import Call, Gunicorn, free_port, run_load
from tests.reliability.world import broker_without_worker
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


def _admin_sql(*statements):
    """Run statements on the server's maintenance database (not the test database)."""
    info = connection.get_connection_params()
    params = {k: v for k, v in info.items() if k in ("host", "port", "user", "password")}
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        for statement in statements:
            admin.execute(statement)


def _database_outage(seconds, name, own_pid):
    """What a PostgreSQL restart looks like to the app, for the test database only: every
    connection (but the test's own, `own_pid`) is dropped and new ones are refused for `seconds`."""
    _admin_sql(
        f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false',
        f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> {own_pid}",
    )
    time.sleep(seconds)
    _admin_sql(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')


@pytest.mark.django_db(transaction=True)
def test_database_outage_under_load_answers_503_then_recovers_without_restart(tmp_path, capsys):
    n = 3000
    workspace = _workspace_with_leads(n)
    env = worker_environment()
    env.update(ALLOWED_HOSTS="127.0.0.1", LOG_LEVEL="WARNING", REDIS_URL=broker_without_worker())
    server = Gunicorn(env, tmp_path / "gunicorn.log")
    outage = {}
    try:
        pid = server.process.pid
        connection.ensure_connection()
        name, own_pid = connection.settings_dict["NAME"], connection.connection.info.backend_pid

        def cut():
            time.sleep(5)
            outage["start"] = time.monotonic() - started
            _database_outage(OUTAGE_SECONDS, name, own_pid)
            outage["end"] = time.monotonic() - started

        started = time.monotonic()
        cutter = threading.Thread(target=cut)
        cutter.start()
        result = run_load("127.0.0.1", server.port, TOKEN, _outcome_calls(n), connections=8, time_limit=12)
        cutter.join()
        # A client honouring Retry-After sends the refused calls again once the database is back.
        refused = [answer.call for answer in result.answers if answer.status != 200]
        retried = run_load("127.0.0.1", server.port, TOKEN, refused, connections=8, time_limit=60)
        health, _ = server.get("/api/v1/health")
        assert server.process.pid == pid and server.process.poll() is None  # never restarted
    finally:
        _admin_sql(f'ALTER DATABASE "{connection.settings_dict["NAME"]}" ALLOW_CONNECTIONS true')
        server.stop()

    statuses = result.statuses()
    with capsys.disabled():
        print(f"\ndatabase outage {outage}: statuses {dict(statuses)}; retried {dict(retried.statuses())}")
    assert set(statuses) <= {200, 503}, (dict(statuses), server.log()[-3000:])
    refusals = [a for a in result.answers if a.status == 503]
    assert refusals, "the outage was not seen by any request"
    assert all(a.retry_after and a.body and "unavailable" in a.body.get("detail", "") for a in refusals)
    after = [a for a in result.answers if a.at > outage["end"] + 1]
    assert after and all(a.status == 200 for a in after), "no recovery after the outage"
    assert set(retried.statuses()) == {200} and health == 200

    sent = {a.call.key for a in result.answers if a.status == 200} | {a.call.key for a in retried.answers}
    stored = set(Outcome.objects.filter(workspace=workspace).values_list("lead__external_id", flat=True))
    assert stored == sent
    row = ScoringSettings.objects.get(workspace=workspace)
    assert row.outcomes_since_training == len(stored)


# --- Redis ----------------------------------------------------------------------------------


class PrivateRedis:
    """A redis-server of the test's own on a free port (nothing on disk), to stop and start."""

    def __init__(self, tmp_path):
        self.port = free_port()
        self.tmp_path = tmp_path
        self.process = None
        self.start()

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.tmp_path),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        import redis

        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                redis.Redis.from_url(self.url, socket_connect_timeout=0.5).ping()
                return
            except redis.exceptions.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError("the private redis-server did not start")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def private_redis(tmp_path):
    if not shutil.which("redis-server"):
        pytest.fail("redis-server is not installed (the services pass needs it)")
    server = PrivateRedis(tmp_path)
    yield server
    server.stop()


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
        from django.utils import timezone

        from config.celery import app
        from leads.tasks.scoring import retrain_workspace

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
    import datetime as dt
    from decimal import Decimal

    from content.models import Brand, DailyMetric, Experiment, Post

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
    from django.utils import timezone

    from config.celery import app
    from content.models import WinnerDecision, WinnerRun
    from content.services.winner_job import LEASE_SECONDS
    from content.tasks import decide_workspace_winners

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
