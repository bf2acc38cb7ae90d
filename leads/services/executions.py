"""Starting a recipe's execution: check its input, create it and queue the worker task."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from leads.models.agents import LeadSource
from leads.models.executions import Execution
from leads.sources import SourceError, parse_leads_csv, storable_json
from leads.tasks.executions import run_execution_task


def _check_input(input_data):
    if input_data is None:
        return {}
    if not isinstance(input_data, dict):
        raise ValidationError({"input_data": ['Give a JSON object, e.g. {"search_query": "AI founders"}.']})
    return input_data


def start_execution(
    workspace, recipe, input_data=None, leads=None, csv_content=None, actor=None, token=None, dispatch=True
):
    """Create a queued execution of ``recipe`` and queue the worker task once committed.

    ``leads`` (a list pushed through the API) or ``csv_content`` (an uploaded file) make the
    execution use those leads instead of asking the agent. With ``dispatch=False`` the caller runs
    it (the ``run_recipe`` command does, in its own process).
    """
    input_data = storable_json(_check_input(input_data))
    source = recipe.agent.source
    pushed = None
    limit = settings.LEADS_MAX_GENERATED_PER_EXECUTION
    if leads is not None:
        if not isinstance(leads, list):
            raise ValidationError({"leads": ["Give a list of lead objects."]})
        if len(leads) > limit:
            raise ValidationError({"leads": [f"At most {limit} leads per execution; got {len(leads)}."]})
        source, pushed = LeadSource.PUSH, storable_json(leads)
    elif csv_content is not None:
        try:
            parsed = parse_leads_csv(csv_content, max_leads=limit)
        except SourceError as error:
            raise ValidationError({"file": [str(error)]}) from None
        source, pushed = LeadSource.CSV, parsed.leads
    elif source in (LeadSource.PUSH, LeadSource.CSV):
        raise ValidationError(
            {
                "leads": [
                    f"The agent {recipe.agent} takes its leads from {recipe.agent.get_source_display().lower()}: send them with the request."
                ]
            }
        )
    elif source == LeadSource.HTTP and not recipe.endpoint_url:
        raise ValidationError({"endpoint_url": [f"The recipe {recipe} has no agent URL to call."]})

    with transaction.atomic():
        execution = Execution.objects.create(
            workspace=workspace,
            recipe=recipe,
            agent=recipe.agent,
            source=source,
            input_data={**(recipe.input_data or {}), **input_data},
            pushed_leads=pushed,
            requested_by=actor if getattr(actor, "is_authenticated", False) else None,
            token=token,
            progress_message="Waiting for a worker…",
        )
        if dispatch:
            run_execution_task.delay_on_commit(str(execution.id))
    return execution
