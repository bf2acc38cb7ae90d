"""Factories for loop 1: preferences, agents, recipes, executions, kept leads and their feedback."""

import factory
from django.utils import timezone

from leads.models import Agent, Execution, Lead, LeadFeedback, PreferenceSet, Recipe
from tests.workspaces.factories import WorkspaceFactory


class PreferenceSetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PreferenceSet
        django_get_or_create = ("workspace",)

    workspace = factory.SubFactory(WorkspaceFactory)


class AgentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agent

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"Agent {n}")
    source = "demo"


class RecipeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recipe

    agent = factory.SubFactory(AgentFactory)
    workspace = factory.SelfAttribute("agent.workspace")
    name = factory.Sequence(lambda n: f"Recipe {n}")
    input_data = factory.LazyFunction(lambda: {"search_query": "AI startup founders"})
    demo_lead_count = 10


class ExecutionFactory(factory.django.DjangoModelFactory):
    """A finished, successful execution unless told otherwise."""

    class Meta:
        model = Execution

    recipe = factory.SubFactory(RecipeFactory)
    workspace = factory.SelfAttribute("recipe.workspace")
    agent = factory.SelfAttribute("recipe.agent")
    source = factory.SelfAttribute("recipe.agent.source")
    status = "succeeded"
    progress = 100
    started_at = factory.LazyFunction(timezone.now)
    finished_at = factory.LazyFunction(timezone.now)
    duration_ms = 400
    leads_generated = 5
    leads_kept = 1


class KeptLeadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lead

    execution = factory.SubFactory(ExecutionFactory)
    workspace = factory.SelfAttribute("execution.workspace")
    rank = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Kept lead {n}")
    title = "Founder & CEO"
    company = "Nimbus Labs"
    industry = "SaaS"
    company_size = 45
    location = "San Francisco, CA"
    engagement_score = 0.9
    quality_score = 0.8


class LeadFeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LeadFeedback

    lead = factory.SubFactory(KeptLeadFactory)
    workspace = factory.SelfAttribute("lead.workspace")
    execution = factory.SelfAttribute("lead.execution")
    useful = True
    conversion_status = "pending"
