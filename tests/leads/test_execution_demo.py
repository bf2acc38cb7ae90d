"""The loop 1 demo data: runs that went through the real pipeline and feedback, with no network needed."""

import pytest

from leads.demo import seed_preferences
from leads.models import Execution, LeadFeedback, PreferenceSet

pytestmark = pytest.mark.django_db


def test_demo_seed_is_fast_and_gives_every_page_something_to_show(workspace, owner, owner_client):
    seed_preferences(workspace, owner)
    assert PreferenceSet.objects.get(workspace=workspace).max_leads_per_execution == 8
    runs = Execution.objects.for_workspace(workspace)
    assert runs.filter(status="succeeded").count() >= 12
    # Every demo agent is the built-in generator: no run fails on an agent URL nobody serves.
    assert not runs.filter(status="failed").exists()
    assert set(runs.values_list("agent__source", flat=True)) == {"demo"}
    latest = runs.latest("created_at")
    assert all(run.leads_kept <= 8 for run in runs)
    assert LeadFeedback.objects.for_workspace(workspace).exists()
    for url in ("/leads/", "/leads/agents/", "/leads/preferences/", f"/leads/executions/{latest.id}/"):
        assert owner_client.get(url).status_code == 200
