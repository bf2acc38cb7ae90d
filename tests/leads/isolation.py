"""Objects of a workspace for the tenant isolation test, by URL kwarg name."""

from leads.models import CallListEntry
from leads.services.call_list import local_today
from tests.leads.factories import AgentFactory, ExecutionFactory, KeptLeadFactory, RecipeFactory


def _lead_on_todays_call_list(workspace):
    """A kept lead that is also on today's call list (its Won/Lost route takes only such leads)."""
    lead = KeptLeadFactory(
        execution=ExecutionFactory(recipe=RecipeFactory(agent=AgentFactory(workspace=workspace)))
    )
    today = local_today(workspace)
    rank = CallListEntry.objects.filter(workspace=workspace, day=today).count() + 1
    CallListEntry.objects.create(
        workspace=workspace, lead=lead, day=today, rank=rank, selection_probability=1.0
    )
    return lead.id


OBJECT_FACTORIES = {
    # loop 1
    "workspace": lambda workspace: workspace.slug,
    "agent_id": lambda workspace: AgentFactory(workspace=workspace).id,
    "recipe_id": lambda workspace: RecipeFactory(agent=AgentFactory(workspace=workspace)).id,
    "execution_id": lambda workspace: (
        ExecutionFactory(recipe=RecipeFactory(agent=AgentFactory(workspace=workspace))).id
    ),
    "lead_id": _lead_on_todays_call_list,
}

# loop 2
from tests.leads.factories import LeadImportFactory, ScoringModelVersionFactory  # noqa: E402

OBJECT_FACTORIES.update(
    {
        "model_id": lambda workspace: ScoringModelVersionFactory(workspace=workspace).id,
        "lead_import_id": lambda workspace: LeadImportFactory(workspace=workspace).id,
    }
)
