"""The import_choices command on the real fishing choices; a file without the required columns."""

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


def test_import_of_a_file_without_required_columns_fails_clearly(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    with pytest.raises(CommandError, match="session_id"):
        call_command("import_choices", str(bad), "--workspace", "anglers", stdout=StringIO())
