"""Factories of the leads app: preferences, agents, recipes, executions, kept leads and their feedback;
leads with CRM ids, outcomes, scores, model versions, imports."""

import factory
from django.utils import timezone

from leads.models import (
    Agent,
    Execution,
    Lead,
    LeadFeedback,
    LeadImport,
    LeadScore,
    Outcome,
    PreferenceSet,
    Recipe,
    ScoringModelVersion,
    ScoringSettings,
)
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


class CrmLeadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lead

    workspace = factory.SubFactory(WorkspaceFactory)
    external_id = factory.Sequence(lambda n: f"LEAD-{n:05d}")
    name = factory.Sequence(lambda n: f"Lead {n}")
    industry = factory.Iterator(["Technology", "Healthcare", "Retail"])
    location = factory.Iterator(["New York", "Austin", "San Francisco"])
    source = factory.Iterator(["Webinar", "Referral", "Cold Call"])
    email_opens = factory.Sequence(lambda n: n % 30)
    website_visits = factory.Sequence(lambda n: (n * 7) % 20)
    content_downloads = factory.Sequence(lambda n: n % 6)
    days_since_contact = factory.Sequence(lambda n: (n * 11) % 60)


class OutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outcome

    lead = factory.SubFactory(CrmLeadFactory)
    workspace = factory.SelfAttribute("lead.workspace")
    won = True
    source = "api"
    recorded_at = factory.LazyFunction(timezone.now)


class ScoringSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScoringSettings
        django_get_or_create = ("workspace",)

    workspace = factory.SubFactory(WorkspaceFactory)


class ScoringModelVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScoringModelVersion

    workspace = factory.SubFactory(WorkspaceFactory)
    version = factory.Sequence(lambda n: n + 1)
    description = "logistic regression (C=1), sigmoid calibration"
    decision = "kept"


class LeadScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LeadScore

    lead = factory.SubFactory(CrmLeadFactory)
    workspace = factory.SelfAttribute("lead.workspace")
    probability = 0.42
    display_score = 42
    risk_category = "medium"
    model_version = "prior-1"


class LeadImportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LeadImport

    workspace = factory.SubFactory(WorkspaceFactory)
    file_name = "leads.csv"
    file_path = "imports/none.csv"
    status = "done"
