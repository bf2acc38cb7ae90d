"""API: `PUT /feedback/{lead_id}?outcome=true|false` and the idempotent CRM webhook."""

from __future__ import annotations

from typing import Annotated

from django.http import Http404
from ninja import Router, Schema
from pydantic import ConfigDict, Field

from leads.models.outcomes import OutcomeSource
from leads.services.outcomes import (
    find_lead,
    parse_outcome,
    record_outcome,
    record_webhook_event,
    total_outcomes,
)
from workspaces.access import require_api_write

router = Router(tags=["leads: outcomes"])


class FeedbackOut(Schema):
    message: str
    lead_id: str
    outcome: bool
    changed: bool
    total_feedback: int


def _answer(lead_id, outcome, changed, workspace):
    return {
        "message": "Feedback recorded" if changed else "Feedback already recorded",
        "lead_id": lead_id,
        "outcome": outcome.won,
        "changed": changed,
        "total_feedback": total_outcomes(workspace),
    }


@router.put("/feedback/{lead_id}", response=FeedbackOut, summary="Record whether a lead converted")
def feedback(request, lead_id: str, outcome: bool, reason: Annotated[str, Field(max_length=500)] = ""):
    require_api_write(request)
    lead = find_lead(request.workspace, lead_id)
    if lead is None:
        raise Http404
    recorded, changed = record_outcome(
        request.workspace, lead, outcome, source=OutcomeSource.API, reason=reason, token=request.auth
    )
    return _answer(lead_id, recorded, changed, request.workspace)


class CrmEvent(Schema):
    """What a CRM sends when a deal closes. `event_id` (or an Idempotency-Key header) makes a
    redelivery a no-op; the same outcome sent twice counts once either way."""

    model_config = ConfigDict(extra="ignore")  # CRMs send more than we need

    lead_id: Annotated[str, Field(min_length=1, max_length=200)]
    outcome: bool | Annotated[str, Field(max_length=40)]
    reason: Annotated[str, Field(max_length=500)] = ""
    event_id: Annotated[str, Field(max_length=200)] | None = None


class CrmEventOut(FeedbackOut):
    status: str = Field(description="recorded, unchanged, or duplicate (this event id was already received)")
    detail: str | None = None


@router.post("/webhooks/crm/outcome", response=CrmEventOut, summary="CRM webhook: a deal was won or lost")
def crm_webhook(request, payload: CrmEvent):
    require_api_write(request)
    won = parse_outcome(payload.outcome)
    lead = find_lead(request.workspace, payload.lead_id.strip())
    if lead is None:
        raise Http404
    key = (payload.event_id or request.headers.get("Idempotency-Key") or "").strip()
    if key:
        event = record_webhook_event(
            request.workspace,
            lead,
            won,
            event_id=key,
            source="crm",
            reason=payload.reason,
            token=request.auth,
        )
        if event.duplicate_of is not None:
            received = event.duplicate_of.received_at.isoformat(timespec="seconds")
            return {
                "status": "duplicate",
                "detail": f"Event {key} was already received on {received}; nothing changed.",
                "message": "Event already received",
                "lead_id": payload.lead_id,
                "outcome": event.outcome.won if event.outcome else won,
                "changed": False,
                "total_feedback": total_outcomes(request.workspace),
            }
        answer = _answer(payload.lead_id, event.outcome, event.changed, request.workspace)
        return {**answer, "status": "recorded" if event.changed else "unchanged"}
    recorded, changed = record_outcome(
        request.workspace,
        lead,
        won,
        source=OutcomeSource.WEBHOOK,
        reason=payload.reason,
        token=request.auth,
    )
    return {
        **_answer(payload.lead_id, recorded, changed, request.workspace),
        "status": "recorded" if changed else "unchanged",
    }
