"""Creating agents and recipes, checked by AgentForm and RecipeForm for the pages and the API alike."""

from django.core.exceptions import ValidationError
from django.db import transaction

from leads.forms.agents import AgentForm, RecipeForm
from leads.models.agents import Agent, Recipe


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


def create_recipe(workspace, agent, form: RecipeForm) -> Recipe:
    """Store the recipe of a RecipeForm bound to the page's POST or the API's body; an invalid form
    raises ValidationError with its field messages."""
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    recipe = form.save(commit=False)
    recipe.workspace = workspace
    recipe.agent = agent
    recipe.save()
    return recipe
