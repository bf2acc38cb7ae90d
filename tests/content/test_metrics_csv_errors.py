"""Metrics CSV files that `csv` cannot read, or whose header is wrong: refused with the line or the
columns named, beside the file field (upload page) or as the command's error; never a 500."""

import html
import re
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from content.models import DailyMetric, MetricImport, Post
from content.services.ingest import run_csv_import
from tests.import_steps import preview_values

pytestmark = pytest.mark.django_db

HEADER = "post_id,brand,platform,variant,experiment,text,date,impressions,clicks,conversions,revenue\n"
ROW = "fb-1,Acme,facebook,A,spring,Spring sale,2026-03-01,1000,50,5,100.50\n"


def _upload(client, data: bytes):
    """Upload, then start the import from the preview as pre-filled (the preview when refused)."""
    response = client.post(reverse("content:upload"), {"file": SimpleUploadedFile("m.csv", data, "text/csv")})
    if response.status_code != 200 or 'id="import-preview"' not in response.content.decode():
        return response
    return client.post(reverse("content:upload_confirm"), preview_values(response))


def _field_errors(response) -> list[str]:
    found = re.findall(r'class="field-error" role="alert">(.*?)</small>', response.content.decode(), re.S)
    return [html.unescape(m) for m in found]


BAD_FILES = [
    (
        (HEADER + ROW + "fb-2,Acme,facebook,B,spring," + "x" * 2_000_000 + ",2026-03-01,1,1,0,0\n").encode(),
        "line 3: a field is larger than 1 MB",
    ),
    (
        (HEADER + ROW + 'fb-2,Acme,facebook,B,spring,"Spring deals,2026-03-01,1,1,0,0\n' + ROW).encode(),
        "line 3: unterminated quote",
    ),
    ((HEADER.replace("brand", "clicks") + ROW).encode(), "column 'clicks' appears twice: columns 2 and 9"),
    ((HEADER.replace("brand", "Post_ID") + ROW).encode(), "column 'post_id' appears twice: columns 1 and 2"),
    ((HEADER + ROW.replace("Acme", "Ac\x00me")).encode(), "line 2: the file contains a NUL byte"),
    ((HEADER + ROW).encode("utf-16-le"), "UTF-16"),
    ((HEADER + ROW).encode("latin-1").replace(b"sale", b"sal\xe9"), "not UTF-8"),
    (b"\n", "The file is empty"),
    (b"post_id,date,views\np1,2026-03-01,3\n", "lacks the column(s) impressions, clicks"),
    (b"post_id,,date,impressions,clicks\n", "column 2 has no name"),
]


@pytest.mark.parametrize("data, message", BAD_FILES)
def test_the_upload_page_shows_the_problem_beside_the_file_field(owner_client, data, message):
    response = _upload(owner_client, data)
    assert response.status_code == 200
    assert any(message in error for error in _field_errors(response)), _field_errors(response)
    assert not MetricImport.objects.exists() and not Post.objects.exists()


def test_a_200_kb_text_is_uploaded_and_its_row_reported_not_crashed(
    owner_client, django_capture_on_commit_callbacks
):
    long_text = "fb-2,Acme,facebook,B,spring," + "x" * 200_000 + ",2026-03-01,10,1,0,0\n"
    response = _upload(owner_client, (HEADER + ROW + long_text).encode())
    job = run_csv_import(MetricImport.objects.get().id)
    assert response.status_code == 302 and job.status == "done"
    assert job.ingested_rows == 1
    assert job.row_errors[0]["line"] == 3 and "text" in job.row_errors[0]["errors"]


def test_a_header_only_upload_is_an_empty_import(owner_client):
    response = _upload(owner_client, HEADER.encode())
    assert response.status_code == 302
    assert MetricImport.objects.get().total_rows == 0 and not DailyMetric.objects.exists()


def test_error_lines_count_the_lines_inside_quoted_fields(owner_client):
    multiline = 'fb-2,Acme,facebook,B,spring,"two\nlines",2026-03-01,10,1,0,0\n'
    bad = "fb-3,Acme,facebook,B,spring,x,2026-03-01,-1,0,0,0\n"
    _upload(owner_client, (HEADER + multiline + bad).encode())
    assert [e["line"] for e in run_csv_import(MetricImport.objects.get().id).row_errors] == [4]


@pytest.mark.parametrize("data, message", BAD_FILES)
def test_the_command_fails_with_the_message(tmp_path, db, data, message):
    path = tmp_path / "m.csv"
    path.write_bytes(data)
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("ingest_metrics", str(path), "--workspace", "acme", stdout=StringIO())
    assert not DailyMetric.objects.exists()


def test_the_command_names_the_columns_it_ignores(tmp_path, db):
    path = tmp_path / "m.csv"
    path.write_text(HEADER.strip() + ",reach\n" + ROW.strip() + ",77\n")
    err = StringIO()
    call_command("ingest_metrics", str(path), "--workspace", "acme", stdout=StringIO(), stderr=err)
    assert "Ignored column(s) the import does not read: reach." in err.getvalue()
    assert DailyMetric.objects.count() == 1
