"""Factories for loop 2: leads with CRM ids, outcomes, scores, model versions, imports."""

import factory
from django.utils import timezone

from leads.models import Lead, LeadImport, LeadScore, Outcome, ScoringModelVersion, ScoringSettings
from tests.workspaces.factories import WorkspaceFactory


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
