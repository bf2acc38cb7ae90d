"""Load with nothing lost: concurrent outcome and lead-feedback calls through gunicorn, each
acknowledged call stored exactly once (volumes and time limit: docs/reliability.md)."""

import os
import random

import pytest
from django.db import connection
from django.db.models import Count

from leads.models import Execution, Lead, LeadFeedback, ScoringSettings
from leads.models.outcomes import Outcome
from tests.conftest import worker_environment
from tests.leads.factories import ExecutionFactory
from tests.reliability.load_client import Call, Gunicorn, run_load
from tests.workspaces.factories import ApiTokenFactory, WorkspaceFactory

pytestmark = [pytest.mark.slow]

FULL_CALLS = 20_000  # of each kind, on PostgreSQL
EMBEDDED_CALLS = 500  # of each kind, on SQLite
SECONDS = float(os.environ.get("RELIABILITY_LOAD_SECONDS", "600"))


def _volume():
    default = FULL_CALLS if connection.vendor == "postgresql" else EMBEDDED_CALLS
    return int(os.environ.get("RELIABILITY_LOAD_CALLS", default))


TOKEN = "fl_load0001_reliability-load-token"


def _leads(workspace, n):
    executions = [
        ExecutionFactory(workspace=workspace, recipe__agent__workspace=workspace) for _ in range(20)
    ]
    rows = [
        Lead(
            workspace=workspace,
            execution=executions[i % len(executions)],
            external_id=f"load-{i}",
            name=f"Load lead {i}",
            company="Load Co",
            rank=i + 1,
        )
        for i in range(n)
    ]
    Lead.objects.bulk_create(rows, batch_size=2000)
    return list(Lead.objects.filter(workspace=workspace).values_list("external_id", "id", "execution_id"))


def _calls(leads):
    rng = random.Random(7)
    calls = []
    for external_id, lead_id, execution_id in leads:
        won = (hash(external_id) % 3) == 0
        calls.append(Call(external_id, "PUT", f"/api/v1/feedback/{external_id}?outcome={str(won).lower()}"))
        body = {"execution_id": str(execution_id), "lead_id": str(lead_id), "useful": won, "relevant": True}
        calls.append(Call(external_id, "POST", "/api/v1/leads/feedback", body))
    rng.shuffle(calls)
    # One in ten sent again later, as a client that timed out and retried would.
    retries = rng.sample(calls, len(calls) // 10)
    positions = sorted(rng.sample(range(len(calls)), len(retries)), reverse=True)
    for position, call in zip(positions, retries, strict=True):
        calls.insert(position, call)
    return calls


@pytest.mark.django_db(transaction=True)
def test_outcomes_and_lead_feedback_under_load_are_stored_exactly_once(tmp_path, idle_broker, capsys):
    n = _volume()
    workspace = WorkspaceFactory(name="Load team", slug="load-team")
    token = ApiTokenFactory(workspace=workspace, raw=TOKEN)
    leads = _leads(workspace, n)
    calls = _calls(leads)
    env = worker_environment()
    env.update(ALLOWED_HOSTS="127.0.0.1", LOG_LEVEL="WARNING", **idle_broker)
    # A gthread worker accepts every keep-alive connection it can (1,000 by default): the first
    # one awake would serve all 8 alone. Capped at threads + 1, the connections spread over workers.
    server = Gunicorn(env, tmp_path / "gunicorn.log", worker_connections=5)
    try:
        result = run_load("127.0.0.1", server.port, TOKEN, calls, connections=8, time_limit=SECONDS)
    finally:
        server.stop()

    statuses = result.statuses()
    outcome_acks = result.acknowledged("/api/v1/feedback/")
    feedback_acks = result.acknowledged("/api/v1/leads/feedback")
    with capsys.disabled():
        print(
            f"\nload ({connection.vendor}, {n:,} of each kind): {len(result.answers)} calls in {result.seconds:.1f}s "
            f"({len(result.answers) / result.seconds:.0f}/s) over 8 connections; "
            f"{len(outcome_acks)} outcome and {len(feedback_acks)} lead feedback calls acknowledged; "
            f"{result.not_sent} not started (time limit); statuses {dict(statuses)}"
        )
    assert set(statuses) == {200}, (dict(statuses), server.log()[-3000:])
    rate = len(result.answers) / result.seconds
    assert result.not_sent == 0, (
        f"{result.not_sent} of {len(calls)} calls not sent within {SECONDS:.0f}s "
        f"({rate:.0f} calls/s; the full volume needs {len(calls) / rate:.0f}s here)"
    )
    # Every lead got its outcome and its feedback (each at least once, retries included).
    assert len({a.call.key for a in outcome_acks}) == n and len({a.call.key for a in feedback_acks}) == n

    # Exactly once: one outcome per acknowledged lead, with the value sent; none for the others.
    sent_outcome = {a.call.key: a.call.path.endswith("true") for a in outcome_acks}
    stored = dict(Outcome.objects.filter(workspace=workspace).values_list("lead__external_id", "won"))
    assert stored == sent_outcome
    assert (
        not Outcome.objects.filter(workspace=workspace).values("lead").annotate(n=Count("id")).filter(n__gt=1)
    )

    sent_feedback = {a.call.key: a.call.body["useful"] for a in feedback_acks}
    stored_feedback = dict(
        LeadFeedback.objects.filter(workspace=workspace).values_list("lead__external_id", "useful")
    )
    assert stored_feedback == sent_feedback
    assert all(f.token_id == token.id for f in LeadFeedback.objects.filter(workspace=workspace)[:100])

    # Counters equal a recount: "changed" answers count each new outcome once, and so does the
    # retraining counter; retries answered "already recorded".
    changed = [a for a in outcome_acks if a.body["changed"]]
    assert len(changed) == len(stored)
    settings_row = ScoringSettings.objects.get(workspace=workspace)
    assert settings_row.outcomes_since_training == len(stored)
    assert max(a.body["total_feedback"] for a in outcome_acks) == len(stored)
    # At the threshold one retraining was queued, and only one.
    assert settings_row.retrain_pending == (len(stored) >= settings_row.retrain_threshold)
    assert Execution.objects.filter(workspace=workspace).count() == 20
