"""CSV import (service and `import_leads` command): mapping, per-row errors, idempotency."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from leads.models import Lead, Outcome, ScoringSettings
from leads.services.imports.importing import import_leads, preview
from leads.services.imports.reading import errors_as_csv
from workspaces.models import Workspace

pytestmark = pytest.mark.django_db

CSV = (
    "crm_id,Industry,Email Opens,lead_source,plan,converted\n"
    "A-1,Technology,12,Webinar,pro,yes\n"
    "A-2,Retail,lots,Referral,basic,no\n"
    "A-3,Healthcare,3,Cold Call,basic,\n"
    "A-1,Technology,12,Webinar,pro,yes\n"
)


def test_import_maps_core_fields_attributes_and_outcomes(workspace):
    result = import_leads(workspace, CSV.encode(), "crm_id", "converted", "yes")
    assert (result.created, result.outcomes, result.error_count) == (2, 1, 2)
    lead = Lead.objects.get(workspace=workspace, external_id="A-1")
    assert lead.industry == "Technology" and lead.email_opens == 12 and lead.source == "Webinar"
    assert lead.attributes == {"plan": "pro"}
    assert Outcome.objects.get(lead=lead).won is True
    assert not Outcome.objects.filter(lead__external_id="A-3").exists()
    assert result.errors == [
        (3, "Email Opens", "'lots' is not a whole number"),
        (5, "crm_id", "lead id 'A-1' already on line 2"),
    ]
    assert ScoringSettings.objects.get(workspace=workspace).outcomes_since_training == 1


def test_reimporting_the_same_file_changes_nothing(workspace):
    import_leads(workspace, CSV.encode(), "crm_id", "converted", "yes")
    again = import_leads(workspace, CSV.encode(), "crm_id", "converted", "yes")
    assert (again.created, again.updated, again.outcomes) == (0, 0, 0)
    assert Lead.objects.filter(workspace=workspace).count() == 2
    assert ScoringSettings.objects.get(workspace=workspace).outcomes_since_training == 1


def test_without_an_id_column_rows_are_numbered_within_their_import(workspace):
    import_leads(workspace, b"industry,email_opens\nRetail,1\nTech,2\n", scope="job1")
    assert set(Lead.objects.values_list("external_id", flat=True)) == {
        "import-job1-row-1",
        "import-job1-row-2",
    }


@pytest.mark.parametrize(
    "data, message",
    [
        ("industry\nCafé\n".encode("latin-1"), "not UTF-8"),
        (b"", "empty"),
        (b"a,a\n1,2\n", "appears twice"),
    ],
)
def test_unreadable_files_are_refused_and_nothing_is_written(workspace, data, message):
    with pytest.raises(ValidationError, match=message):
        import_leads(workspace, data)
    assert not Lead.objects.exists()


def test_missing_column_is_named_with_the_columns_the_file_has(workspace):
    with pytest.raises(ValidationError, match="not in the file: crm_id. The file has: industry"):
        import_leads(workspace, b"industry\nRetail\n", "crm_id")


def test_utf16_with_bom_is_read(workspace):
    import_leads(workspace, "industry\nCafé\n".encode("utf-16"))
    assert Lead.objects.get().industry == "Café"


def test_preview_says_what_each_column_becomes():
    result = preview(CSV.encode(), "crm_id", "converted", "yes")
    assert result["roles"]["crm_id"] == "lead id"
    assert result["roles"]["Email Opens"] == "lead field: email_opens"
    assert result["roles"]["plan"] == "attribute"
    assert result["roles"]["converted"].startswith("outcome")
    assert len(result["sample"]) == 4


def test_error_report_csv_has_row_column_reason():
    assert errors_as_csv([(3, "x", "bad")]) == "row,column,reason\r\n3,x,bad\r\n"


def test_command_creates_the_workspace_and_says_so(tmp_path, db):
    path = tmp_path / "leads.csv"
    path.write_text(CSV)
    out, err = StringIO(), StringIO()
    call_command(
        "import_leads",
        str(path),
        "--workspace",
        "new-team",
        "--id-column",
        "crm_id",
        "--outcome-column",
        "converted",
        "--positive",
        "yes",
        stdout=out,
        stderr=err,
    )
    assert "Created workspace 'new-team'" in out.getvalue()
    assert "2 leads created" in out.getvalue() and "2 errors" in out.getvalue()
    assert "row 3, column 'Email Opens'" in err.getvalue()
    assert Workspace.objects.get(slug="new-team")


def test_command_refuses_outcome_column_without_positive(tmp_path, db):
    path = tmp_path / "leads.csv"
    path.write_text(CSV)
    with pytest.raises(CommandError, match="--positive"):
        call_command("import_leads", str(path), "--workspace", "x", "--outcome-column", "converted")


TELCO = Path(__file__).resolve().parent.parent / "data" / "telco_churn.csv"


def test_evaluate_scoring_prints_one_json_object_from_imported_outcomes(db, tmp_path):
    """The command on real, messy data (the first 1,500 telco customers; the full-data AUC bar is
    asserted on the same procedure in test_scoring_quality.py)."""

    lines = TELCO.read_text().splitlines()[:1501]
    path = tmp_path / "telco_head.csv"
    path.write_text("\n".join(lines) + "\n")
    call_command(
        "import_leads",
        str(path),
        "--workspace",
        "telco",
        "--outcome-column",
        "churn",
        "--positive",
        "Yes",
        stdout=StringIO(),
    )
    out = StringIO()
    call_command("evaluate_scoring", "--workspace", "telco", "--folds", "3", "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert result["n"] == 1500 and result["folds"] == 3
    assert result["auc"] > 0.78
    assert {"auc_std", "brier", "positives", "model"} <= set(result)


def test_evaluate_scoring_with_too_few_outcomes_says_why(workspace):
    with pytest.raises(CommandError, match="need at least 5 won"):
        call_command("evaluate_scoring", "--workspace", workspace.slug, "--json", stdout=StringIO())
