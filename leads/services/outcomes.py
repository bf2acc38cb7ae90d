"""Recording whether a lead converted, from every channel, exactly once."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connections, router, transaction
from django.utils import timezone

from core.rows import column, columns, instance_from_row, table
from leads.models import Lead, Outcome, OutcomeSource, OutcomeTotal, WebhookEvent
from leads.services.scoring.retraining_queue import count_new_outcome, insert_and_count

TRUE_WORDS = {"true", "1", "yes", "won", "converted", "win"}
FALSE_WORDS = {"false", "0", "no", "lost", "not_converted", "lose", "loss"}


def parse_outcome(value) -> bool:
    """True/False from the words CRMs use; anything else is a clear error."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValidationError({"outcome": [f"'{value}' is not an outcome: use true/false (or won/lost)."]})


# What recording an outcome uses of a lead and of its outcome (the rest loads if asked for).
LEAD_FIELDS = ("id", "workspace_id", "external_id")
OUTCOME_FIELDS = ("id", "won", "reason")


def _find_lead_sql(connection) -> str:
    def col(model, name, alias):
        return column(connection, model, name, alias)

    return (
        f"SELECT {columns(connection, Lead, LEAD_FIELDS, 'l')}, {columns(connection, Outcome, OUTCOME_FIELDS, 'o')} "
        f"FROM {table(connection, Lead)} l LEFT JOIN {table(connection, Outcome)} o "
        f"ON {col(Outcome, 'lead', 'o')} = {col(Lead, 'id', 'l')} WHERE {col(Lead, 'workspace', 'l')} = %s "
        f"AND ({col(Lead, 'external_id', 'l')} = %s OR {col(Lead, 'id', 'l')} = %s) LIMIT 2"
    )


def find_lead(workspace, lead_id: str) -> Lead | None:
    """A lead by the CRM's id, or by this app's own id (the CRM's id wins if both match), with its
    outcome as `loaded_outcome` (record_outcome then needs no read of its own for a new outcome).

    One raw query of the columns recording an outcome uses: building the ORM's SQL for it cost more
    than the rest of an outcome call (docs/bench.md, scenario 5); tests/leads/test_outcome_total.py
    pins it against the ORM's answer."""
    lead_id = str(lead_id)
    if "\x00" in lead_id:  # no stored id holds a NUL (PostgreSQL refuses one in a query)
        return None
    try:
        own_id = uuid.UUID(lead_id)
    except ValueError:
        own_id = None  # no lead has a NULL id: a CRM id that is not a UUID matches external_id alone
    connection = connections[router.db_for_read(Lead)]
    pk = Lead._meta.pk
    params = [
        pk.get_db_prep_value(workspace.id, connection),
        lead_id,
        None if own_id is None else pk.get_db_prep_value(own_id, connection),
    ]
    with connection.cursor() as cursor:
        cursor.execute(_find_lead_sql(connection), params)
        rows = cursor.fetchall()
    leads = []
    n = len(LEAD_FIELDS)
    for row in rows:
        lead = instance_from_row(Lead, connection.alias, LEAD_FIELDS, row[:n])
        has_outcome = row[n] is not None
        lead.loaded_outcome = (
            instance_from_row(Outcome, connection.alias, OUTCOME_FIELDS, row[n:]) if has_outcome else None
        )
        leads.append(lead)
    return next((lead for lead in leads if lead.external_id == lead_id), leads[0] if leads else None)


def record_outcome(
    workspace,
    lead: Lead,
    won: bool,
    *,
    source: str,
    reason: str = "",
    idempotency_key: str | None = None,
    user=None,
    token=None,
) -> tuple[Outcome, bool]:
    """Set the lead's outcome; returns (outcome, changed). The same outcome again changes nothing,
    and a repeated idempotency key returns the first result."""
    if lead.workspace_id != workspace.id:
        raise ValidationError({"lead_id": ["Unknown lead."]})
    reason = (reason or "").strip()[:500]
    key = (idempotency_key or "").strip()[:200] or None
    known = _loaded_outcome(lead)
    if known is not NOT_LOADED and known is not None and not key:
        if known.won == won and (not reason or reason == known.reason):
            return known, False  # already recorded as it stands: nothing to write or lock
    if known is None and _can_insert_and_count():
        outcome = _new_outcome(workspace, lead, won, source, reason, key, user, token)
        if _insert_and_count(workspace, outcome):
            return outcome, True
        known = NOT_LOADED  # it has one now (or the key was used): the path below reads it
    for attempt in range(3):
        try:
            with transaction.atomic():
                return _record(
                    workspace,
                    lead,
                    won,
                    source,
                    reason,
                    key,
                    user,
                    token,
                    known if attempt == 0 else NOT_LOADED,
                )
        except IntegrityError:
            # Another request created the outcome (or used the key) first: read it and retry.
            continue
    outcome = Outcome.objects.get(lead=lead)
    return outcome, False


NOT_LOADED = object()


def _loaded_outcome(lead):
    """The lead's outcome (or None) when the caller read it with the lead (find_lead does)."""
    return getattr(lead, "loaded_outcome", NOT_LOADED)


def _can_insert_and_count() -> bool:
    connection = connections[router.db_for_write(Outcome)]
    return connection.vendor == "postgresql" and not connection.in_atomic_block


def _new_outcome(workspace, lead, won, source, reason, key, user, token) -> Outcome:
    return Outcome(
        workspace=workspace,
        lead=lead,
        won=won,
        reason=reason,
        source=source,
        idempotency_key=key,
        recorded_by=user,
        token=token,
        recorded_at=timezone.now(),
    )


def _insert_and_count(workspace, outcome: Outcome) -> bool:
    """A lead's first outcome, the most frequent case, in one statement with its count (see
    insert_and_count); False when the lead has an outcome already or the key was used."""
    connection = connections[router.db_for_write(Outcome)]
    quote = connection.ops.quote_name
    fields = [f for f in Outcome._meta.get_fields() if f.concrete and not f.many_to_many]
    columns = ", ".join(quote(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = (
        f"INSERT INTO {quote(Outcome._meta.db_table)} ({columns}) VALUES ({placeholders}) "
        "ON CONFLICT DO NOTHING RETURNING 1"
    )
    params = [f.get_db_prep_save(f.pre_save(outcome, add=True), connection) for f in fields]
    return insert_and_count(workspace, sql, params)


def _record(workspace, lead, won, source, reason, key, user, token, known):
    if key:
        seen = Outcome.objects.for_workspace(workspace).filter(idempotency_key=key).first()
        if seen is not None:
            return seen, False
    if known is None:
        # The lead had no outcome when it was read: insert one. If another request inserted one
        # since, the one-outcome-per-lead constraint refuses this and the retry reads it, locked.
        outcome = None
    else:
        # Lock the lead's outcome so simultaneous changes to it queue up (PostgreSQL; SQLite
        # serialises writes). A lead without one needs no lock: the constraint lets one insert win.
        outcome = Outcome.objects.select_for_update().filter(lead=lead).order_by().first()
    now = timezone.now()
    if outcome is not None:
        if outcome.won == won:
            if reason and reason != outcome.reason:
                outcome.reason = reason
                outcome.save(update_fields=["reason"])
            return outcome, False
        outcome.won = won
        outcome.reason = reason
        outcome.source = source
        outcome.idempotency_key = key or outcome.idempotency_key
        outcome.recorded_by = user
        outcome.token = token
        outcome.recorded_at = now
        outcome.save()
        # Last in the transaction: the workspace's counter row stays locked until the commit.
        count_new_outcome(workspace)
        return outcome, True
    outcome = _new_outcome(workspace, lead, won, source, reason, key, user, token)
    outcome.save(force_insert=True)
    # Last in the transaction: the workspace's counter row stays locked until the commit. The
    # outcome's key first, then the counter row: the order insert_and_count's one statement takes
    # them in, so two writers never wait on each other (the total's row comes at the commit).
    count_new_outcome(workspace)
    return outcome, True


@dataclass
class EventResult:
    outcome: Outcome | None
    changed: bool
    duplicate_of: WebhookEvent | None = None  # the earlier delivery, when this one is a repeat


def record_webhook_event(
    workspace, lead: Lead, won: bool, *, event_id: str, source: str = "crm", reason: str = "", token=None
) -> EventResult:
    """Record a sender's event once, whatever its order: every event id is remembered, so a
    redelivery of any earlier event changes nothing (not only of the last one). The event id and
    the outcome are written in one transaction: of two simultaneous deliveries of one event, the
    second waits for the first's event id and then finds it."""
    event_id = event_id.strip()[:200]
    with transaction.atomic():
        try:
            with transaction.atomic():
                WebhookEvent.objects.create(
                    workspace=workspace, source=source, event_id=event_id, received_at=timezone.now()
                )
        except IntegrityError:
            seen = WebhookEvent.objects.for_workspace(workspace).filter(event_id=event_id).first()
            current = Outcome.objects.filter(lead=lead).first()
            return EventResult(current, False, duplicate_of=seen)
        outcome, changed = record_outcome(
            workspace,
            lead,
            won,
            source=OutcomeSource.WEBHOOK,
            reason=reason,
            idempotency_key=f"{source}:{event_id}",
            token=token,
        )
    return EventResult(outcome, changed)


MIN_EVENT_RETENTION_DAYS = 30  # longer than CRMs retry a delivery (days, at most)


def delete_old_webhook_events(days: int) -> int:
    """Forget event ids older than the retention period (never under 30 days); returns how many
    were deleted."""
    cutoff = timezone.now() - timedelta(days=max(days, MIN_EVENT_RETENTION_DAYS))
    deleted, _ = WebhookEvent.objects.filter(received_at__lt=cutoff).delete()
    return deleted


def total_outcomes(workspace) -> int:
    """How many leads of the workspace have an outcome (the seed's `total_feedback`).

    On PostgreSQL the triggers of migrations 0011 and 0012 keep it in OutcomeTotal (read after this request's
    write committed, so the last answer is the final count); counting every outcome on each call
    cost more than the rest of the call at 10,000 outcomes. SQLite counts (one writer at a time,
    and the small data it serves). Raw SQL: the ORM took a millisecond to build either query.
    tests/leads/test_outcome_total.py pins the total against a recount."""
    connection = connections[router.db_for_read(Outcome)]
    workspace_id = Outcome._meta.get_field("workspace").get_db_prep_value(workspace.id, connection)
    if connection.vendor == "postgresql":
        sql = (
            f"SELECT {column(connection, OutcomeTotal, 'total')} FROM {table(connection, OutcomeTotal)} "
            f"WHERE {column(connection, OutcomeTotal, 'workspace')} = %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [workspace_id])
            row = cursor.fetchone()
        if row is not None:
            return int(row[0])  # no row: no outcome yet (or no trigger): count
    sql = f"SELECT COUNT(*) FROM {table(connection, Outcome)} WHERE {column(connection, Outcome, 'workspace')} = %s"
    with connection.cursor() as cursor:
        cursor.execute(sql, [workspace_id])
        return int(cursor.fetchone()[0])
