"""With a real worker: CSV upload -> import -> Run now -> winner decided and stored -> search finds it."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from content.models import MetricImport, WinnerRun
from tests.import_steps import preview_values

HEADER = "post_id,brand,platform,variant,experiment,text,date,impressions,clicks,conversions,revenue\n"


def metrics_csv():
    lines = [HEADER]
    for day in range(4):
        date = (dt.date.today() - dt.timedelta(days=4 - day)).isoformat()
        lines.append(
            f"fb-p,Trailhead,facebook,primary,shoes,Trail shoes for runners,{date},5000,250,10,500\n"
        )
        lines.append(
            f'ig-a,Trailhead,instagram,A,shoes,"Summer sale on trail running shoes, 30% off",{date},5000,330,12,600\n'
        )
    lines.append("ig-a,Trailhead,instagram,A,shoes,x,2026-01-01,10,20,0,0\n")  # clicks > impressions
    return "".join(lines)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_upload_run_now_and_search_through_the_worker(live_worker, owner_client, api_client):
    upload = SimpleUploadedFile("metrics.csv", metrics_csv().encode(), "text/csv")
    preview = owner_client.post(reverse("content:upload"), {"file": upload})
    owner_client.post(reverse("content:upload_confirm"), preview_values(preview))
    job = live_worker.wait_for(
        lambda: MetricImport.objects.filter(status="done").first(), timeout=60, message="the CSV import"
    )
    assert job.ingested_rows == 8 and len(job.row_errors) == 1

    response = owner_client.post(reverse("content:run_now"), HTTP_HX_REQUEST="true")
    assert "Queued" in response.content.decode()
    run = live_worker.wait_for(
        lambda: WinnerRun.objects.filter(status="done").first(), timeout=60, message="the winner run"
    )
    assert run.winners_identified == 1

    status = owner_client.get(reverse("content:run", args=[run.id]), HTTP_HX_REQUEST="true")
    assert "1 winner" in status.content.decode()

    results = api_client.post(
        "/api/v1/feedback-loop/winners/search",
        {"query_text": "running shoes sale", "limit": 3},
        content_type="application/json",
    ).json()["results"]
    assert results[0]["content"] == "Summer sale on trail running shoes, 30% off"
    assert results[0]["metadata"]["variant"] == "A" and results[0]["metadata"]["impressions"] == 20000
