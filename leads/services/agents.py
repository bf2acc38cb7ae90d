"""Creating agents (checked by AgentForm, as the page does) and recipes (the pages use RecipeForm)."""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from leads.agent_network import endpoint_url_problem
from leads.forms.agents import AgentForm
from leads.models.agents import Agent, LeadSource, Recipe
from leads.sources import storable_json


def create_agent(workspace, form: AgentForm) -> Agent:
    """Store the agent of an AgentForm bound to the page's POST or the API's body; an invalid form
    raises ValidationError with its field messages."""
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    with transaction.atomic():
        agent = form.save(commit=False)
        agent.workspace = workspace
        agent.save()
    return agent


def create_recipe(
    workspace, agent, name, input_data=None, endpoint_url="", demo_lead_count=25, description=""
):
    name = " ".join((name or "").replace("\x00", "").split())
    errors = {}
    if not name:
        errors["name"] = ["Give the recipe a name."]
    elif len(name) > 120:
        errors["name"] = ["At most 120 characters."]
    if input_data is not None and not isinstance(input_data, dict):
        errors["input_data"] = ['Give a JSON object, e.g. {"search_query": "AI founders"}.']
    endpoint_url = (endpoint_url or "").strip()
    if endpoint_url:
        try:
            URLValidator(schemes=["http", "https"])(endpoint_url)
        except ValidationError:
            errors["endpoint_url"] = ["Give an http(s) URL."]
        else:
            problem = endpoint_url_problem(endpoint_url)
            if problem:
                errors["endpoint_url"] = [problem]
        if len(endpoint_url) > 500:
            errors["endpoint_url"] = ["At most 500 characters."]
    elif agent.source == LeadSource.HTTP:
        errors["endpoint_url"] = ["An external agent needs the URL the worker calls."]
    if not isinstance(demo_lead_count, int) or not 1 <= demo_lead_count <= 100_000:
        errors["demo_lead_count"] = ["Give a whole number from 1 to 100000."]
    if errors:
        raise ValidationError(errors)
    return Recipe.objects.create(
        workspace=workspace,
        agent=agent,
        name=name,
        description=(description or "").replace("\x00", ""),
        input_data=storable_json(input_data or {}),
        endpoint_url=endpoint_url,
        demo_lead_count=demo_lead_count,
    )
