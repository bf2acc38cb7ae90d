"""Objects of a workspace for the tenant isolation test, by URL kwarg name."""

from tests.leads.factories import AgentFactory, ExecutionFactory, KeptLeadFactory, RecipeFactory

OBJECT_FACTORIES = {
    # loop 1
    "workspace": lambda workspace: workspace.slug,
    "agent_id": lambda workspace: AgentFactory(workspace=workspace).id,
    "recipe_id": lambda workspace: RecipeFactory(agent=AgentFactory(workspace=workspace)).id,
    "execution_id": lambda workspace: (
        ExecutionFactory(recipe=RecipeFactory(agent=AgentFactory(workspace=workspace))).id
    ),
    "lead_id": lambda workspace: (
        KeptLeadFactory(
            execution=ExecutionFactory(recipe=RecipeFactory(agent=AgentFactory(workspace=workspace)))
        ).id
    ),
}

# loop 2
from tests.leads.factories import LeadImportFactory, ScoringModelVersionFactory  # noqa: E402

OBJECT_FACTORIES.update(
    {
        "model_id": lambda workspace: ScoringModelVersionFactory(workspace=workspace).id,
        "lead_import_id": lambda workspace: LeadImportFactory(workspace=workspace).id,
    }
)
