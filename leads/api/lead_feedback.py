"""API: the seed's ``POST /leads/feedback`` and ``GET /executions/{execution_id}/feedback``."""

import uuid
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from leads.models.executions import Execution
from leads.services.lead_feedback import execution_feedback, find_execution_lead, record_lead_feedback
from workspaces.access import require_api_write

router = Router(tags=["leads: feedback"])


class LeadFeedbackIn(Schema):
    execution_id: uuid.UUID
    lead_id: uuid.UUID | None = None
    lead_name: str | None = None
    useful: bool | None = None
    relevant: bool | None = None
    conversion_status: str | None = None
    quality_score: float | None = None
    feedback_text: str | None = None


class LeadFeedbackOut(Schema):
    feedback_id: str
    execution_id: str
    lead_id: str
    lead_name: str
    useful: bool | None
    relevant: bool | None
    conversion_status: str
    quality_score: float | None
    feedback_text: str
    given_by: str
    lead_data: dict[str, Any]
    created_at: datetime
    updated_at: datetime


def feedback_out(feedback):
    return {
        "feedback_id": str(feedback.id),
        "execution_id": str(feedback.execution_id),
        "lead_id": str(feedback.lead_id),
        "lead_name": feedback.lead.name,
        "useful": feedback.useful,
        "relevant": feedback.relevant,
        "conversion_status": feedback.conversion_status,
        "quality_score": feedback.quality_score,
        "feedback_text": feedback.feedback_text,
        "given_by": feedback.author_label,
        "lead_data": feedback.lead_data,
        "created_at": feedback.created_at,
        "updated_at": feedback.updated_at,
    }


@router.post("/leads/feedback", response=LeadFeedbackOut, summary="Give (or change) feedback on a kept lead")
def give_feedback(request, payload: LeadFeedbackIn):
    require_api_write(request)
    execution = (
        Execution.objects.for_workspace(request.workspace)
        .filter(pk=payload.execution_id)
        .only("id", "workspace_id")
        .first()
    )
    if execution is None:
        raise ValidationError({"execution_id": ["No such execution in this workspace."]})
    lead = find_execution_lead(request.workspace, execution, payload.lead_id, payload.lead_name)
    values = payload.model_dump(
        exclude_unset=True,
        include={"useful", "relevant", "conversion_status", "quality_score", "feedback_text"},
    )
    if values.get("conversion_status") is None:
        values.pop("conversion_status", None)
    feedback = record_lead_feedback(request.workspace, lead, values, token=request.auth)
    return feedback_out(feedback)


@router.get(
    "/executions/{execution_id}/feedback",
    response=list[LeadFeedbackOut],
    summary="Feedback on an execution's leads",
)
def list_execution_feedback(request, execution_id: uuid.UUID):
    execution = get_object_or_404(Execution.objects.for_workspace(request.workspace), pk=execution_id)
    return [feedback_out(f) for f in execution_feedback(request.workspace, execution)]
