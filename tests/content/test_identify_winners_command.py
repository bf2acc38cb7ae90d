"""python manage.py identify_winners --workspace SLUG --json"""

import json

import pytest
from django.core.management import call_command

from tests.content.factories import BrandFactory, experiment_with_variants

pytestmark = pytest.mark.django_db


def test_json_lists_every_experiment_with_winner_probabilities_and_reason(workspace, capsys):
    brand = BrandFactory(workspace=workspace, name="Acme")
    experiment_with_variants(
        workspace, {"primary": (20_000, 1000), "A": (20_000, 1300)}, brand=brand, name="clear"
    )
    experiment_with_variants(workspace, {"primary": (1500, 75), "A": (1500, 76)}, brand=brand, name="close")
    call_command("identify_winners", "--workspace", workspace.slug, "--json")
    data = json.loads(capsys.readouterr().out)
    by_name = {d["experiment"]: d for d in data["decisions"]}
    assert by_name["clear"]["winner"] == "A"
    assert by_name["clear"]["prob_best"]["A"] > 0.99
    assert by_name["close"]["winner"] is None
    assert "No winner yet" in by_name["close"]["reason"]
    assert data["stats"]["winners_identified"] == 1


def test_unknown_workspace_is_created_and_said(capsys):
    call_command("identify_winners", "--workspace", "fresh", "--json")
    captured = capsys.readouterr()
    assert "Created workspace 'fresh'" in captured.err
    assert json.loads(captured.out)["decisions"] == []
