"""python manage.py identify_winners --workspace SLUG --json"""

import json

import pytest
from django.core.management import call_command

from content.services.winner_store import search_winners
from tests.content.factories import BrandFactory, experiment_with_variants
from workspaces.models import Workspace

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


def test_commands_alone_take_a_csv_to_a_searchable_winner(tmp_path, capsys):
    lines = ["post_id,brand,platform,variant,experiment,text,date,impressions,clicks,conversions,revenue"]
    for day in range(1, 5):
        lines.append(f"p-1,Acme,facebook,primary,launch,Meet our new blender,2026-03-0{day},5000,250,10,400")
        lines.append(
            f"p-2,Acme,facebook,A,launch,Blend smoothies in ten seconds,2026-03-0{day},5000,330,11,420"
        )
    path = tmp_path / "metrics.csv"
    path.write_text("\n".join(lines) + "\n")
    call_command("ingest_metrics", str(path), "--workspace", "cli-team")
    capsys.readouterr()
    call_command("identify_winners", "--workspace", "cli-team", "--json")
    decisions = json.loads(capsys.readouterr().out)["decisions"]
    assert decisions[0]["winner"] == "A" and decisions[0]["winner_post_id"] == "p-2"
    results = search_winners(Workspace.objects.get(slug="cli-team"), "smoothie blender")
    assert results[0]["content"] == "Blend smoothies in ten seconds"
