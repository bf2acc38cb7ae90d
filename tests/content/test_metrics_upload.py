"""CSV upload page: queued import, progress, per-row error report."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from content.models import DailyMetric, MetricImport, Post
from content.tasks import import_metrics_csv
from tests.import_steps import preview_values

pytestmark = pytest.mark.django_db

CSV = (
    "post_id,brand,platform,variant,experiment,text,date,impressions,clicks,conversions,revenue\n"
    "fb-1,Acme,facebook,A,spring,Spring sale,2026-03-01,1000,50,5,100.50\n"
    "fb-2,Acme,facebook,B,spring,Spring deals,2026-03-01,1000,5000,5,10\n"
    "fb-1,Acme,facebook,A,spring,Spring sale,2026-03-02,900,45,4,80\n"
    "fb-3,Acme,facebook,B,spring,Spring deals,2026-03-01,-3,1,0,0\n"
)


def upload(client, text=CSV, name="metrics.csv"):
    """Upload, then start the import from the preview as pre-filled (the preview when refused)."""
    response = client.post(
        reverse("content:upload"), {"file": SimpleUploadedFile(name, text.encode(), "text/csv")}
    )
    if response.status_code != 200 or 'id="import-preview"' not in response.content.decode():
        return response
    return client.post(reverse("content:upload_confirm"), preview_values(response))


def test_upload_queues_the_import_and_redirects_to_its_progress(
    owner_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = upload(owner_client)
    job = MetricImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("content:import", args=[job.id])
    assert job.status == "queued" and job.total_rows == 4
    assert len(callbacks) == 1


def test_import_keeps_good_rows_and_reports_bad_rows_with_line_and_reason(owner_client, workspace):
    upload(owner_client)
    job = MetricImport.objects.get()
    import_metrics_csv(str(job.id))
    job.refresh_from_db()
    assert job.status == "done"
    assert (job.processed_rows, job.ingested_rows) == (4, 2)
    assert [e["line"] for e in job.row_errors] == [3, 5]
    assert DailyMetric.objects.count() == 2
    assert Post.objects.for_workspace(workspace).count() == 1

    response = owner_client.get(reverse("content:import", args=[job.id]), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="import-progress"')
    assert "2 stored, 0 updated, 2 skipped (bad rows)" in html
    assert "cannot exceed impressions" in html and "Must not be negative" in html
    assert "every 1s" not in html  # finished: polling stops


def test_progress_fragment_polls_while_the_import_is_queued(owner_client):
    upload(owner_client)
    job = MetricImport.objects.get()
    response = owner_client.get(reverse("content:import", args=[job.id]), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'hx-trigger="every 1s"' in html and "0 of 4 rows processed" in html


def test_missing_columns_are_reported_beside_the_field(owner_client):
    response = upload(owner_client, text="post_id,impressions\nx,1\n")
    assert response.status_code == 200
    assert "lacks the column(s) date, clicks" in response.content.decode()
    assert not MetricImport.objects.exists()


def test_non_utf8_file_is_refused(owner_client):
    response = owner_client.post(
        reverse("content:upload"),
        {"file": SimpleUploadedFile("m.csv", "post_id;é".encode("latin-1"), "text/csv")},
    )
    assert "not UTF-8" in response.content.decode()


def test_viewer_cannot_upload(viewer_client):
    assert upload(viewer_client).status_code == 403


def test_an_unexpected_failure_is_recorded_on_the_import(owner_client, monkeypatch):
    upload(owner_client)
    job = MetricImport.objects.get()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("content.services.ingest.ingest_csv_text", broken)
    with pytest.raises(RuntimeError):
        import_metrics_csv(str(job.id))
    job.refresh_from_db()
    assert job.status == "failed" and "disk full" in job.error
