"""The evaluate_matching command: the bar on the real fishing choices; no sessions to evaluate."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from matching.models import Factor

pytestmark = pytest.mark.django_db

FISHING = Path(__file__).resolve().parents[1] / "data" / "fishing_choices.csv"


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


def test_evaluate_without_choices_fails_clearly():
    with pytest.raises(CommandError, match="No sessions"):
        call_command(
            "evaluate_matching", "--workspace", "empty", "--json", stdout=StringIO(), stderr=StringIO()
        )
