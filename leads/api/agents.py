"""API: lead-generating agents and their recipes (list and create)."""

import uuid
from typing import Any

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.responses import Status

from leads.forms.agents import AgentForm, RecipeForm
from leads.models.agents import Agent
from leads.services.agents import create_agent, create_recipe
from workspaces.access import require_api_write

router = Router(tags=["leads: agents"])


class AgentIn(Schema):
    name: str
    source: str = "http"
    description: str = ""


class RecipeIn(Schema):
    name: str
    input_data: dict[str, Any] | None = None
    endpoint_url: str = ""
    demo_lead_count: int = 25
    description: str = ""


class CreatedOut(Schema):
    id: str
    name: str
    url: str


class AgentOut(Schema):
    agent_id: str
    name: str
    source: str
    recipes: list[dict[str, str]]


@router.get("/agents", response=list[AgentOut], summary="Agents and their recipes")
def list_agents(request):
    agents = Agent.objects.for_workspace(request.workspace).prefetch_related("recipes")
    return [
        {
            "agent_id": str(agent.id),
            "name": agent.name,
            "source": agent.source,
            "recipes": [{"recipe_id": str(r.id), "name": r.name} for r in agent.recipes.all()],
        }
        for agent in agents
    ]


@router.post(
    "/agents", response={201: CreatedOut}, summary="Create an agent (source: http, push, csv or demo)"
)
def create_agent_route(request, payload: AgentIn):
    require_api_write(request)
    agent = create_agent(request.workspace, AgentForm(payload.dict(), workspace=request.workspace))
    return Status(201, {"id": str(agent.id), "name": agent.name, "url": f"/leads/agents/{agent.id}/"})


@router.post("/agents/{agent_id}/recipes", response={201: CreatedOut}, summary="Create a recipe of an agent")
def create_recipe_route(request, agent_id: uuid.UUID, payload: RecipeIn):
    require_api_write(request)
    agent = get_object_or_404(Agent.objects.for_workspace(request.workspace), pk=agent_id)
    form = RecipeForm(payload.dict(), agent=agent, every_field=True)
    recipe = create_recipe(request.workspace, agent, form)
    return Status(201, {"id": str(recipe.id), "name": recipe.name, "url": f"/leads/recipes/{recipe.id}/"})
