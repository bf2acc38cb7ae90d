"""API: agent and recipe performance (the seed's analytics routes), recomputed from the rows."""

import uuid
from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Router

from leads.models.agents import Agent, Recipe
from leads.services.performance import agent_performance, all_agents_performance, recipe_performance

router = Router(tags=["leads: performance"])

RATES_NOTE = (
    "Rates are percentages with their sample size (`*_n`) and 95% Wilson interval (`*_interval`); "
    "a rate without data is null."
)


@router.get("/agents/{agent_id}/performance", response=dict[str, Any], description=RATES_NOTE)
def read_agent_performance(request, agent_id: uuid.UUID):
    agent = get_object_or_404(Agent.objects.for_workspace(request.workspace), pk=agent_id)
    return agent_performance(request.workspace, agent)


@router.get("/analytics/agents", response=dict[str, Any], description=RATES_NOTE)
def read_all_agents(request, customer_id: str | None = None):
    workspace = request.workspace
    if customer_id and customer_id not in (str(workspace.id), workspace.slug):
        raise Http404
    return {"workspace_id": str(workspace.id), "agents": all_agents_performance(workspace)}


@router.get("/analytics/recipes/{recipe_id}/conversions", response=dict[str, Any], description=RATES_NOTE)
def read_recipe_conversions(request, recipe_id: uuid.UUID):
    recipe = get_object_or_404(Recipe.objects.for_workspace(request.workspace), pk=recipe_id)
    return recipe_performance(request.workspace, recipe)
