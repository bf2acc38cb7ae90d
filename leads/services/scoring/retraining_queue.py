"""Asking for a retraining: counting new outcomes against the threshold and queueing exactly one
retraining per workspace (the retraining itself, and resending lost ones, are in retraining)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import connections, router, transaction
from django.db.models import Q
from django.utils import timezone

from leads.models import ScoringSettings
from leads.services.scoring.settings import scoring_settings
from leads.tasks.scoring import retrain_workspace


def retrain_stale_after() -> timedelta:
    # The lease is short now (renewed while training runs), so it no longer bounds a training's
    # length; a pending retraining counts as lost after twice the reconciler's wait.
    lease = settings.LEADS_RETRAIN_LEASE_SECONDS
    return timedelta(seconds=max(lease, settings.LEADS_RETRAIN_RESEND_SECONDS) * 2)


def request_retraining(workspace, trigger: str = "threshold") -> bool:
    """Queue one retraining unless one is already pending; True when this call queued it."""
    scoring_settings(workspace)
    now = timezone.now()
    claimed = (
        ScoringSettings.objects.filter(workspace=workspace)
        .filter(Q(retrain_pending=False) | Q(retrain_queued_at__lt=now - retrain_stale_after()))
        .update(retrain_pending=True, retrain_queued_at=now)
    )
    if claimed:
        # robust: when the broker is down the outcome that crossed the threshold is still stored
        # and answered; the retraining stays pending and resend_pending_retrainings sends it later.
        workspace_id = str(workspace.id)
        # A plain function, not functools.partial: Django names the callback when it logs a failure.
        transaction.on_commit(lambda: send_retraining(workspace_id, trigger), robust=True)
    return bool(claimed)


def send_retraining(workspace_id: str, trigger: str) -> None:
    retrain_workspace.delay(workspace_id, trigger)


def count_new_outcome(workspace, count: int = 1) -> int:
    """Count `count` new or changed outcomes; at the threshold, queue exactly one retraining.
    Returns the outcomes since the last training."""
    connection = connections[router.db_for_write(ScoringSettings)]
    sql, params = _counter_update(connection, workspace, "%s")
    with connection.cursor() as cursor:
        cursor.execute(sql, [count, *params])
        counted = cursor.fetchone()
    if counted is None:  # the workspace's first outcome: its settings row does not exist yet
        scoring_settings(workspace)
        return count_new_outcome(workspace, count)
    return _check_threshold(workspace, *counted)


def insert_and_count(workspace, insert_sql: str, insert_params: list) -> bool:
    """PostgreSQL: run `insert_sql` (one row, ``INSERT ... ON CONFLICT DO NOTHING RETURNING 1``)
    and count the row it inserted, in one statement; True when it inserted the row.

    Outside a transaction, the statement is its own transaction: the counter row every outcome
    updates is then locked only while the database runs it, not while the app sends the next
    statement and the commit (what serialised simultaneous outcomes)."""
    connection = connections[router.db_for_write(ScoringSettings)]
    update_sql, update_params = _counter_update(connection, workspace, "(SELECT count(*) FROM inserted)")
    sql = (
        f"WITH inserted AS ({insert_sql}), counted AS ({update_sql}) "
        "SELECT (SELECT count(*) FROM inserted), counted.* FROM (SELECT 1) AS one LEFT JOIN counted ON TRUE"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*insert_params, *update_params])
        inserted, *counted = cursor.fetchone()
    if not inserted:
        return False
    if counted[0] is None:  # no settings row yet: the row was inserted but not counted
        count_new_outcome(workspace)
    else:
        _check_threshold(workspace, *counted)
    return True


def _check_threshold(workspace, since, threshold, already_queued) -> int:
    if since >= threshold and not already_queued:
        request_retraining(workspace)
    return int(since)


def _counter_update(connection, workspace, added: str) -> tuple[str, list]:
    """SQL that adds `added` to the workspace's counter and reads back (outcomes since training,
    threshold, whether a retraining is pending and not stale), with its parameters. Every outcome
    updates this one row and it stays locked until the transaction commits, so it is one statement:
    each round trip made while the row is held is paid by every request waiting for it."""
    meta = ScoringSettings._meta
    quote = connection.ops.quote_name

    def column(name):
        return quote(meta.get_field(name).column)

    since, threshold = column("outcomes_since_training"), column("retrain_threshold")
    pending, queued_at = column("retrain_pending"), column("retrain_queued_at")
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {since} = {since} + {added} WHERE {column('workspace')} = %s "
        f"RETURNING {since}, {threshold}, "
        f"CASE WHEN {pending} AND {queued_at} >= %s THEN 1 ELSE 0 END"
    )
    fresh_after = timezone.now() - retrain_stale_after()
    return sql, [
        meta.get_field("workspace").get_db_prep_value(workspace.id, connection),
        connection.ops.adapt_datetimefield_value(fresh_after),
    ]
