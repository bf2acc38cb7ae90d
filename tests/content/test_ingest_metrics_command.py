"""python manage.py ingest_metrics FILE.csv --workspace SLUG"""

import pytest
from django.core.management import CommandError, call_command

from content.models import DailyMetric
from workspaces.models import Workspace

pytestmark = pytest.mark.django_db

CSV = (
    "post_id,brand,platform,variant,experiment,text,date,impressions,clicks,conversions,revenue\n"
    "fb-1,Acme,facebook,A,spring,Spring sale,2026-03-01,1000,50,5,100.50\n"
    "fb-2,Acme,facebook,B,spring,Spring deals,2026-03-01,1000,nan,5,10\n"
)


def test_command_creates_the_workspace_and_reports_rejected_rows(tmp_path, capsys):
    path = tmp_path / "metrics.csv"
    path.write_text(CSV)
    call_command("ingest_metrics", str(path), "--workspace", "new-team")
    out, err = capsys.readouterr()
    assert "Created workspace 'new-team'" in out
    assert "Ingested 1 of 2 rows" in out and "1 rejected" in out
    assert "line 3 (fb-2): clicks" in err
    workspace = Workspace.objects.get(slug="new-team")
    assert DailyMetric.objects.for_workspace(workspace).count() == 1


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("ingest_metrics", str(tmp_path / "nope.csv"), "--workspace", "x")
