"""CSV import in the browser: upload, mapping preview (htmx), the job, progress, error report."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from leads.models import Lead, LeadImport
from leads.services.imports.importing import run_lead_import
from leads.tasks.imports import run_import

pytestmark = pytest.mark.django_db

CSV = b"crm_id,industry,email_opens,won\nA,Tech,3,yes\nB,Retail,lots,no\nC,Health,1,no\n"


def _upload(client, data=CSV, name="leads.csv"):
    return client.post("/leads/import/", {"file": SimpleUploadedFile(name, data, content_type="text/csv")})


def test_upload_shows_the_mapping_preview(owner_client, workspace):
    response = _upload(owner_client)
    assert response.status_code == 200
    html = response.content.decode()
    assert "What each column becomes" in html and "lead field: email_opens" in html
    assert not Lead.objects.exists()


def test_changing_the_mapping_refreshes_the_fragment(owner_client, workspace):
    token = re.search(r'name="upload" value="([0-9a-f]{32})"', _upload(owner_client).content.decode()).group(
        1
    )
    response = owner_client.post(
        "/leads/import/confirm/",
        {
            "upload": token,
            "file_name": "leads.csv",
            "id_column": "crm_id",
            "outcome_column": "won",
            "positive": "yes",
            "preview": "1",
        },
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert "<html" not in html and "outcome (won when &#x27;yes&#x27;)" in html
    assert "lead id" in html


def test_start_queues_the_job_and_the_job_reports_progress_and_errors(
    owner_client, workspace, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(run_import, "apply_async", lambda *a, **k: sent.append(a))
    token = re.search(r'name="upload" value="([0-9a-f]{32})"', _upload(owner_client).content.decode()).group(
        1
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(
            "/leads/import/confirm/",
            {
                "upload": token,
                "file_name": "leads.csv",
                "id_column": "crm_id",
                "outcome_column": "won",
                "positive": "yes",
            },
        )
    job = LeadImport.objects.get(workspace=workspace)
    assert response.status_code == 302 and response.url == f"/leads/import/{job.id}/"
    assert len(sent) == 1 and sent[0][0] == (str(job.id),)
    queued = owner_client.get(f"/leads/import/{job.id}/", HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in queued and "<progress" in queued
    run_lead_import(job.id)
    done = owner_client.get(f"/leads/import/{job.id}/", HTTP_HX_REQUEST="true").content.decode()
    assert "every 1s" not in done and "2 stored, 0 updated, 1 skipped" in done
    report = owner_client.get(f"/leads/import/{job.id}/errors.csv")
    assert report["Content-Type"].startswith("text/csv")
    assert report.content.decode().splitlines() == [
        "line,column,reason",
        "3,email_opens,'lots' is not a whole number",
    ]


def test_wrong_encoding_is_refused_at_upload(owner_client, workspace):
    response = _upload(owner_client, "industry\nCafé\n".encode("latin-1"))
    assert response.status_code == 400
    assert "not UTF-8" in response.content.decode()


def test_outcome_column_without_positive_value_is_refused(owner_client, workspace):
    token = re.search(r'name="upload" value="([0-9a-f]{32})"', _upload(owner_client).content.decode()).group(
        1
    )
    response = owner_client.post(
        "/leads/import/confirm/",
        {"upload": token, "file_name": "leads.csv", "outcome_column": "won", "positive": ""},
    )
    assert response.status_code == 400
    assert "means won" in response.content.decode()
    assert not LeadImport.objects.exists()


def test_another_workspace_cannot_use_an_upload_token(owner_client, outsider_client, workspace):
    token = re.search(r'name="upload" value="([0-9a-f]{32})"', _upload(owner_client).content.decode()).group(
        1
    )
    response = outsider_client.post("/leads/import/confirm/", {"upload": token, "file_name": "x.csv"})
    assert response.status_code == 400
    assert not LeadImport.objects.exists()
