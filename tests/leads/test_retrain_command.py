"""`python manage.py retrain --workspace SLUG`."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from leads.models import ScoringSettings
from tests.leads.training_data import make_leads_with_outcomes
from workspaces.locks import acquire_lease, release_lease

pytestmark = pytest.mark.django_db


def test_retrain_command_trains_and_says_what_was_decided(workspace):
    make_leads_with_outcomes(workspace, 120)
    out = StringIO()
    call_command("retrain", "--workspace", workspace.slug, stdout=out)
    assert out.getvalue().startswith("v1: Promoted")
    row = ScoringSettings.objects.get(workspace=workspace)
    assert row.champion.promoted_via == "command"


def test_retrain_command_refuses_while_another_retraining_runs(workspace):
    holder = acquire_lease(f"retrain:{workspace.id}", 60)
    try:
        with pytest.raises(CommandError, match="is running"):
            call_command("retrain", "--workspace", workspace.slug, stdout=StringIO())
    finally:
        release_lease(f"retrain:{workspace.id}", holder)


def test_retrain_command_names_an_unknown_workspace(db):
    with pytest.raises(CommandError, match="No workspace 'nope'"):
        call_command("retrain", "--workspace", "nope", stdout=StringIO())
