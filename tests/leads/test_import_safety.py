"""Lead CSV import safety: malformed files refused with their line (service, page, command), files
without an id column never merging, obvious columns pre-selected, unusable files refused."""

import html
import re
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from leads.models import Lead, LeadImport, Outcome
from leads.services.imports.importing import import_leads, preview, run_lead_import
from leads.tasks.imports import run_import
from workspaces.models import Workspace

pytestmark = pytest.mark.django_db

BIG_FIELD = 2_000_000


def _upload(client, data, name="leads.csv"):
    return client.post("/leads/import/", {"file": SimpleUploadedFile(name, data, content_type="text/csv")})


def _field_errors(response) -> list[str]:
    return [
        html.unescape(m)
        for m in re.findall(
            r'class="field-error" role="alert">(.*?)</small>', response.content.decode(), re.S
        )
    ]


def _file_error(data) -> str:
    with pytest.raises(ValidationError) as info:
        import_leads_for_test(data)
    return " ".join(info.value.message_dict["file"])


def import_leads_for_test(data, *args, **kwargs):
    return import_leads(Workspace.objects.get(slug="acme"), data, *args, **kwargs)


# --- malformed files: refused as a whole, naming the line, nothing written ---------------------


def test_a_200_kb_field_is_imported_not_refused(workspace):
    data = b"crm_id,notes\nA," + b"x" * 200_000 + b"\nB,short\n"
    result = import_leads(workspace, data, "crm_id")
    assert (result.created, result.error_count) == (2, 0)
    assert len(Lead.objects.get(external_id="A").attributes["notes"]) == 2000  # attributes are capped


def test_a_2_mb_field_is_refused_naming_its_line_and_nothing_is_written(workspace):
    data = b"crm_id,notes\nA,ok\nB," + b"x" * BIG_FIELD + b"\n"
    assert _file_error(data).startswith("line 3: a field is larger than 1 MB")
    assert not Lead.objects.exists()


def test_an_unterminated_quote_is_refused_naming_its_line_and_nothing_is_written(workspace):
    data = b'crm_id,industry\nA,Retail\nB,"Tech\nC,Health\n'
    assert _file_error(data).startswith("line 3: unterminated quote")
    assert not Lead.objects.exists()


@pytest.mark.parametrize(
    "header, message",
    [
        ("crm_id,email,industry,email", "column 'email' appears twice: columns 2 and 4"),
        ("crm_id,Email,industry,email", "column 'Email' appears twice: columns 2 and 4"),
    ],
)
def test_a_duplicate_header_is_refused_naming_both_positions(workspace, header, message):
    assert message in _file_error(f"{header}\nA,a@b.co,Retail,c@d.co\n".encode())
    assert not Lead.objects.exists()


def test_nul_bytes_are_refused_naming_the_line(workspace):
    assert _file_error(b"crm_id,industry\nA,Retail\nB,Te\x00ch\n").startswith(
        "line 3: the file contains a NUL byte"
    )


def test_utf16_without_a_byte_order_mark_is_refused(workspace):
    assert "UTF-16" in _file_error("crm_id,industry\nA,Retail\n".encode("utf-16-le"))


def test_an_empty_file_is_refused(workspace):
    assert "empty" in _file_error(b"")


def test_a_header_only_file_imports_nothing_without_error(workspace):
    result = import_leads(workspace, b"crm_id,industry\n", "crm_id")
    assert (result.rows, result.created, result.error_count) == (0, 0, 0)


# --- no id column: every row is a new lead, a second file never merges --------------------------


def test_two_files_without_an_id_column_never_merge(workspace):
    import_leads(workspace, b"industry,email_opens\nRetail,1\nTech,2\n")
    second = import_leads(workspace, b"company,title\nAcme,CTO\nGlobex,CEO\n")
    assert (second.created, second.updated) == (2, 0)
    assert Lead.objects.filter(workspace=workspace).count() == 4
    assert set(Lead.objects.filter(industry="Retail").values_list("company", flat=True)) == {""}


def test_the_same_file_without_an_id_column_imported_twice_makes_new_leads(workspace):
    data = b"industry,email_opens\nRetail,1\n"
    import_leads(workspace, data)
    again = import_leads(workspace, data)
    assert (again.created, again.updated, again.unchanged) == (1, 0, 0)
    assert Lead.objects.count() == 2


def test_an_id_less_file_does_not_touch_a_lead_named_like_its_row_number(workspace):
    import_leads(workspace, b"crm_id,industry\nrow-1,Retail\n", "crm_id")
    import_leads(workspace, b"industry\nTech\n")
    assert Lead.objects.get(external_id="row-1").industry == "Retail"


def test_the_preview_says_every_row_becomes_a_new_lead_without_an_id_column():
    shown = preview(b"industry,email_opens\nRetail,1\n")
    assert any(w.lower().startswith("no id column: every row becomes a new lead") for w in shown["warnings"])


def test_two_page_imports_without_an_id_column_never_merge(
    owner_client, workspace, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(run_import, "apply_async", lambda *a, **k: None)
    for data in (b"industry,email_opens\nRetail,1\nTech,2\n", b"industry,email_opens\nHealth,5\nTech,7\n"):
        token = re.search(
            r'name="upload" value="([0-9a-f]{32})"', _upload(owner_client, data).content.decode()
        )
        with django_capture_on_commit_callbacks(execute=True):
            owner_client.post("/leads/import/confirm/", {"upload": token.group(1), "file_name": "a.csv"})
    for job in LeadImport.objects.all():
        assert run_lead_import(job.id).leads_created == 2
    assert Lead.objects.filter(workspace=workspace).count() == 4
    done = owner_client.get(f"/leads/import/{job.id}/").content.decode()
    assert "No id column: every row became a new lead" in done


def test_running_the_same_id_less_job_again_does_not_duplicate_its_leads(
    owner_client, workspace, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(run_import, "apply_async", lambda *a, **k: None)
    token = re.search(
        r'name="upload" value="([0-9a-f]{32})"',
        _upload(owner_client, b"industry,email_opens\nRetail,1\n").content.decode(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post("/leads/import/confirm/", {"upload": token.group(1), "file_name": "a.csv"})
    job = LeadImport.objects.get()
    run_lead_import(job.id)
    LeadImport.objects.filter(pk=job.pk).update(status="running")  # as if the worker died after writing
    run_lead_import(job.id)
    assert Lead.objects.count() == 1


# --- obvious columns pre-selected, unusable files refused --------------------------------------

CRM = b"Lead ID,Industry,plan,Outcome\nL1,Retail,pro,Won\nL2,Tech,basic,Lost\n"


def test_preview_suggests_the_id_outcome_and_won_value():
    assert preview(CRM)["suggested"] == {
        "id_column": "Lead ID",
        "outcome_column": "Outcome",
        "positive": "Won",
    }


@pytest.mark.parametrize(
    "id_name, outcome_name, values, positive",
    [
        ("customerID", "Churn", ("Yes", "No"), "Yes"),
        ("external_id", "converted", ("1", "0"), "1"),
        ("CRM Id", "won", ("true", "false"), "true"),
        ("id", "label", ("no", "YES"), "YES"),
    ],
)
def test_obvious_id_and_outcome_names_are_recognised(id_name, outcome_name, values, positive):
    data = f"{id_name},industry,{outcome_name}\nA,Retail,{values[0]}\nB,Tech,{values[1]}\n".encode()
    assert preview(data)["suggested"] == {
        "id_column": id_name,
        "outcome_column": outcome_name,
        "positive": positive,
    }


def test_the_upload_page_pre_selects_the_id_and_outcome_and_records_outcomes(
    owner_client, workspace, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(run_import, "apply_async", lambda *a, **k: None)
    page = _upload(owner_client, CRM).content.decode()
    assert re.search(r'<option value="Lead ID" selected>', page)
    assert re.search(r'<option value="Outcome" selected>', page)
    assert 'name="positive" value="Won"' in page
    assert "lead id" in page and "outcome (won when &#x27;Won&#x27;)" in page
    form = dict(re.findall(r'name="(upload|file_name)" value="([^"]*)"', page))
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(
            "/leads/import/confirm/",
            {**form, "id_column": "Lead ID", "outcome_column": "Outcome", "positive": "Won"},
        )
    job = run_lead_import(LeadImport.objects.get().id)
    assert (job.leads_created, job.outcomes_recorded) == (2, 2)
    assert Lead.objects.get(external_id="L1").attributes == {"plan": "pro"}
    assert Outcome.objects.get(lead__external_id="L1").won is True


def test_the_preview_warns_about_columns_kept_only_as_attributes():
    warnings = " ".join(preview(CRM)["warnings"])
    assert "kept only as free attributes" in warnings and "plan" in warnings


def test_a_file_with_no_usable_column_is_refused_naming_its_columns(workspace):
    message = _file_error(b"foo,bar\n1,2\n")
    assert "None of the columns can be used" in message and "The file has: foo, bar" in message
    assert not Lead.objects.exists()


# --- the page: message beside the file field, never a 500 ---------------------------------------


@pytest.mark.parametrize(
    "data, message",
    [
        (b"crm_id,notes\nA,ok\nB," + b"x" * BIG_FIELD + b"\n", "line 3: a field is larger than 1 MB"),
        (b"crm_id,industry\n" + b"A,Retail\n" * 50 + b'B,"Tech\n', "line 52: unterminated quote"),
        (b"crm_id,Industry,industry\nA,b,c\n", "column 'Industry' appears twice: columns 2 and 3"),
        (b"crm_id,industry\nA,Ret\x00ail\n", "line 2: the file contains a NUL byte"),
        ("crm_id,industry\nA,Retail\n".encode("utf-16-le"), "UTF-16"),
        (b"", "file is empty"),  # the form refuses a 0-byte upload itself
        (b"\n\n", "The file is empty"),
        (b"foo,bar\n1,2\n", "None of the columns can be used"),
    ],
)
def test_the_upload_page_shows_the_problem_beside_the_file_field(owner_client, workspace, data, message):
    response = _upload(owner_client, data)
    assert response.status_code == 400
    assert any(message in error for error in _field_errors(response)), _field_errors(response)
    assert not Lead.objects.exists() and not LeadImport.objects.exists()


def test_a_utf16_file_with_its_byte_order_mark_is_previewed(owner_client, workspace):
    response = _upload(owner_client, "crm_id,industry\nA,Café\n".encode("utf-16"))
    assert response.status_code == 200 and "Café" in response.content.decode()


# --- the command: non-zero exit with the message ------------------------------------------------


@pytest.mark.parametrize(
    "data, message",
    [
        (b'crm_id,industry\nA,Retail\nB,"Tech\n', "line 3: unterminated quote"),
        (b"crm_id,notes\nA," + b"x" * BIG_FIELD + b"\n", "line 2: a field is larger than 1 MB"),
        (b"crm_id,EMAIL,email\nA,a@b.co,a@b.co\n", "column 'EMAIL' appears twice: columns 2 and 3"),
        (b"foo,bar\n1,2\n", "None of the columns can be used"),
        (b"", "empty"),
    ],
)
def test_the_command_fails_with_the_message(tmp_path, db, data, message):
    path = tmp_path / "leads.csv"
    path.write_bytes(data)
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command(
            "import_leads",
            str(path),
            "--workspace",
            "acme",
            "--id-column",
            "crm_id" if b"crm_id" in data else "",
        )
    assert not Lead.objects.exists()


def test_the_command_names_the_obvious_columns_it_was_not_given(tmp_path, db):
    path = tmp_path / "leads.csv"
    path.write_bytes(CRM)
    out, err = StringIO(), StringIO()
    call_command("import_leads", str(path), "--workspace", "acme", stdout=out, stderr=err)
    assert "--id-column Lead ID" in err.getvalue() and "--outcome-column Outcome" in err.getvalue()
    assert "no id column: every row becomes a new lead" in out.getvalue()
