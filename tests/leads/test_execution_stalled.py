"""Executions whose task was lost are queued again by the periodic job; finished ones never are."""

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from leads.models import Execution
from leads.services.execution_worker import run_execution
from leads.tasks.executions import requeue_stalled_executions
from tests.leads.factories import AgentFactory, ExecutionFactory, RecipeFactory

pytestmark = pytest.mark.django_db


def test_old_queued_and_stuck_running_executions_are_queued_again(workspace, settings):
    settings.LEADS_EXECUTION_STALL_SECONDS = 900
    settings.LEADS_EXECUTION_TIME_LIMIT = 300
    recipe = RecipeFactory(agent=AgentFactory(workspace=workspace))
    long_ago = timezone.now() - timedelta(hours=1)
    lost = ExecutionFactory(recipe=recipe, status="queued", created_at=long_ago, started_at=None)
    stuck = ExecutionFactory(recipe=recipe, status="running", started_at=long_ago)
    ExecutionFactory(recipe=recipe, status="queued")  # just queued: its task is on its way
    ExecutionFactory(recipe=recipe, status="succeeded", created_at=long_ago)
    with mock.patch("leads.tasks.executions.run_execution_task.delay") as delay:
        assert requeue_stalled_executions.run() == 2
    assert sorted(call.args[0] for call in delay.call_args_list) == sorted([str(lost.id), str(stuck.id)])


def test_a_stuck_running_execution_is_run_again_by_the_worker(workspace, settings):
    settings.LEADS_EXECUTION_TIME_LIMIT = 300
    recipe = RecipeFactory(agent=AgentFactory(workspace=workspace, source="demo"), demo_lead_count=5)
    stuck = ExecutionFactory(
        recipe=recipe, status="running", started_at=timezone.now() - timedelta(hours=1), leads_generated=0
    )
    run_execution(stuck.id)
    stuck = Execution.objects.get(pk=stuck.pk)
    assert stuck.status == "succeeded"
    assert stuck.leads_generated == 5
