"""API: run a recipe (``POST /recipes/{recipe_id}/execute``, the seed's ``/recipes/execute-async``)
and read an execution's state."""

import uuid
from datetime import datetime
from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.responses import Status

from leads.models.agents import Recipe
from leads.models.executions import Execution
from leads.services.executions import start_execution
from workspaces.access import require_api_write

router = Router(tags=["leads: executions"])


class ExecuteIn(Schema):
    input_data: dict[str, Any] | None = None
    leads: list[dict[str, Any]] | None = Field(
        None, description="Leads to filter instead of asking the agent (push source)."
    )


class ExecuteAsyncIn(ExecuteIn):
    recipe_id: uuid.UUID
    customer_id: str | None = None


class ExecutionOut(Schema):
    execution_id: str
    recipe_id: str
    agent_id: str
    status: str
    source: str
    progress: int
    progress_message: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    duration_ms: int | None
    error: str
    warnings: list[str]
    leads_generated: int
    leads_kept: int
    filtering_impact: dict[str, Any]
    url: str


class KeptLeadOut(Schema):
    lead_id: str
    rank: int | None
    name: str
    title: str
    company: str
    industry: str
    company_size: int | None
    location: str
    engagement_score: float | None
    quality_score: float | None
    exploration_criterion: str = Field(
        description="Empty for a lead that met every preference; for a near miss kept for exploration, "
        "the one criterion it failed"
    )
    keep_probability: float | None = Field(
        description="The chance the lead had of being kept: 1 when it met every preference, the draw's "
        "probability for a near miss"
    )


class ExecutionDetailOut(ExecutionOut):
    leads: list[KeptLeadOut]


def execution_out(execution):
    return {
        "execution_id": str(execution.id),
        "recipe_id": str(execution.recipe_id),
        "agent_id": str(execution.agent_id),
        "status": execution.status,
        "source": execution.source,
        "progress": execution.progress,
        "progress_message": execution.progress_message,
        "created_at": execution.created_at,
        "started_at": execution.started_at,
        "finished_at": execution.finished_at,
        "duration_ms": execution.duration_ms,
        "error": execution.error,
        "warnings": [str(w) for w in execution.warnings or []],
        "leads_generated": execution.leads_generated,
        "leads_kept": execution.leads_kept,
        "filtering_impact": execution.filtering_impact or {},
        "url": f"/leads/executions/{execution.id}/",
    }


def _start(request, recipe_id, payload):
    require_api_write(request)
    recipe = get_object_or_404(
        Recipe.objects.for_workspace(request.workspace).select_related("agent"), pk=recipe_id
    )
    execution = start_execution(
        request.workspace, recipe, input_data=payload.input_data, leads=payload.leads, token=request.auth
    )
    return Status(202, execution_out(execution))


@router.post("/recipes/execute-async", response={202: ExecutionOut}, summary="Run a recipe (seed form)")
def execute_async(request, payload: ExecuteAsyncIn):
    if payload.customer_id and payload.customer_id not in (str(request.workspace.id), request.workspace.slug):
        raise Http404
    return _start(request, payload.recipe_id, payload)


@router.post("/recipes/{recipe_id}/execute", response={202: ExecutionOut}, summary="Run a recipe")
def execute_recipe(request, recipe_id: uuid.UUID, payload: ExecuteIn | None = None):
    return _start(request, recipe_id, payload or ExecuteIn())


@router.get(
    "/executions/{execution_id}", response=ExecutionDetailOut, summary="An execution and its kept leads"
)
def read_execution(request, execution_id: uuid.UUID):
    execution = get_object_or_404(Execution.objects.for_workspace(request.workspace), pk=execution_id)
    data = execution_out(execution)
    data["leads"] = [
        {
            "lead_id": str(lead.id),
            "rank": lead.rank,
            "name": lead.name,
            "title": lead.title,
            "company": lead.company,
            "industry": lead.industry,
            "company_size": lead.company_size,
            "location": lead.location,
            "engagement_score": lead.engagement_score,
            "quality_score": lead.quality_score,
            "exploration_criterion": lead.exploration_criterion,
            "keep_probability": lead.keep_probability,
        }  # fmt: skip
        for lead in execution.leads.order_by("rank")
    ]
    return data
