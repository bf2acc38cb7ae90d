"""The import_choices and evaluate_matching commands on the real fishing choices."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from matching.models import Candidate, Choice, Factor, MatchingSession
from workspaces.models import Workspace

pytestmark = pytest.mark.django_db

FISHING = Path(__file__).resolve().parents[1] / "data" / "fishing_choices.csv"


def test_import_creates_the_workspace_candidates_and_sessions():
    out = StringIO()
    call_command("import_choices", str(FISHING), "--workspace", "anglers", stdout=out)
    ws = Workspace.objects.get(slug="anglers")
    assert "Created workspace anglers" in out.getvalue()
    assert sorted(Candidate.objects.for_workspace(ws).values_list("name", flat=True)) == [
        "beach",
        "boat",
        "charter",
        "pier",
    ]
    assert list(Factor.objects.for_workspace(ws).values_list("key", flat=True)) == ["price", "catch_rate"]
    assert MatchingSession.objects.for_workspace(ws).count() == 1182
    assert Choice.objects.for_workspace(ws).count() == 1182


def test_evaluate_matching_meets_the_bar_on_fishing_choices():
    call_command(
        "import_choices",
        str(FISHING),
        "--workspace",
        "anglers",
        "--lower-is-better",
        "price",
        stdout=StringIO(),
    )
    assert not Factor.objects.get(key="price").higher_is_better
    out = StringIO()
    call_command("evaluate_matching", "--workspace", "anglers", "--folds", "5", "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert result["sessions"] == 1182
    assert set(result["default"]) == {"top1", "mean_chosen_rank", "log_likelihood"}
    assert result["learned"]["mean_chosen_rank"] <= 1.82
    assert result["learned"]["log_likelihood"] >= -1.06
    assert result["learned"]["log_likelihood"] > result["default"]["log_likelihood"]


def test_import_of_a_file_without_required_columns_fails_clearly(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    with pytest.raises(CommandError, match="session_id"):
        call_command("import_choices", str(bad), "--workspace", "anglers", stdout=StringIO())


def test_evaluate_without_choices_fails_clearly():
    with pytest.raises(CommandError, match="No sessions"):
        call_command(
            "evaluate_matching", "--workspace", "empty", "--json", stdout=StringIO(), stderr=StringIO()
        )
