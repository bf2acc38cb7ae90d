"""Recording whether a lead converted, from every channel, exactly once."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from leads.models import Lead, Outcome
from leads.services.retraining_queue import count_new_outcome

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


def find_lead(workspace, lead_id: str) -> Lead | None:
    """A lead by the CRM's id, or by this app's own id (the CRM's id wins if both match)."""
    lead_id = str(lead_id)
    match = Q(external_id=lead_id)
    try:
        match |= Q(pk=uuid.UUID(lead_id))
    except ValueError:
        pass
    leads = list(Lead.objects.for_workspace(workspace).filter(match).order_by()[:2])
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
    for _attempt in range(3):
        try:
            with transaction.atomic():
                return _record(workspace, lead, won, source, reason, key, user, token)
        except IntegrityError:
            # Another request created the outcome (or used the key) first: read it and retry.
            continue
    outcome = Outcome.objects.get(lead=lead)
    return outcome, False


def _record(workspace, lead, won, source, reason, key, user, token):
    if key:
        seen = Outcome.objects.for_workspace(workspace).filter(idempotency_key=key).first()
        if seen is not None:
            return seen, False
    # Lock the lead's outcome, when it has one, so simultaneous changes to it queue up
    # (PostgreSQL; SQLite serialises writes). A first outcome needs no lock: the one-outcome-per-lead
    # constraint lets one insert win and the others retry, then find it here.
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
    else:
        outcome = Outcome.objects.create(
            workspace=workspace,
            lead=lead,
            won=won,
            reason=reason,
            source=source,
            idempotency_key=key,
            recorded_by=user,
            token=token,
            recorded_at=now,
        )
    # Last in the transaction: the workspace's counter row stays locked until the commit.
    count_new_outcome(workspace)
    return outcome, True


def total_outcomes(workspace) -> int:
    """How many leads of the workspace have an outcome (the seed's `total_feedback`)."""
    return Outcome.objects.for_workspace(workspace).count()
