"""POST /api/v1/feedback-loop/metrics/ingest (single) and /ingest/batch."""

import pytest

from content.models import Brand, DailyMetric, Post

URL = "/api/v1/feedback-loop/metrics/ingest"
NEW_POST = {
    "post_id": "fb-1",
    "platform": "facebook",
    "brand": "Acme",
    "experiment": "spring",
    "variant": "A",
    "text": "Spring sale: 30% off",
    "published_at": "2026-02-28T09:00:00+00:00",
    "date": "2026-03-01",
    "impressions": 1000,
    "clicks": 50,
    "conversions": 5,
    "revenue": 100.5,
}

pytestmark = pytest.mark.django_db


def post_json(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_ingest_creates_brand_experiment_post_and_day(api_client, workspace):
    response = post_json(api_client, URL, NEW_POST)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["success"] is True
    assert body["message"] == "Metrics successfully ingested"
    assert body["ctr"] == 0.05
    post = Post.objects.for_workspace(workspace).get(external_id="fb-1")
    assert post.brand.name == "Acme" and post.experiment.name == "spring"
    assert post.published_at.isoformat() == "2026-02-28T09:00:00+00:00"
    metric = DailyMetric.objects.get(post=post)
    assert (metric.impressions, metric.clicks, metric.conversions) == (1000, 50, 5)
    assert str(metric.revenue) == "100.50"


def test_ingesting_the_same_post_and_day_again_replaces_the_row(api_client):
    post_json(api_client, URL, NEW_POST)
    response = post_json(api_client, URL, {**NEW_POST, "impressions": 2000, "clicks": 60})
    assert response.status_code == 200
    assert DailyMetric.objects.count() == 1
    assert DailyMetric.objects.get().impressions == 2000


def test_known_post_needs_only_its_id_and_counts(api_client):
    post_json(api_client, URL, NEW_POST)
    response = post_json(
        api_client,
        URL,
        {"post_id": "fb-1", "platform": "facebook", "impressions": 10, "clicks": 1},
    )
    assert response.status_code == 200
    assert DailyMetric.objects.count() == 2  # no date: today's row


def test_unknown_post_without_its_fields_is_rejected_with_a_clear_error(api_client):
    response = post_json(api_client, URL, {"post_id": "x-9", "impressions": 10, "clicks": 1})
    assert response.status_code == 400
    message = response.json()["errors"]["post_id"][0]
    assert "Unknown post 'x-9'" in message and "brand" in message
    assert not Post.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"clicks": 2000}, "clicks"),
        ({"conversions": 80}, "conversions"),
        ({"impressions": -5}, "impressions"),
        ({"revenue": "NaN"}, "revenue"),
    ],
)
def test_bad_numbers_are_rejected_with_the_field(api_client, change, field):
    response = post_json(api_client, URL, {**NEW_POST, **change})
    assert response.status_code in (400, 422)
    assert field in response.json()["errors"]
    assert not DailyMetric.objects.exists()


def test_post_cannot_move_to_another_brand(api_client):
    post_json(api_client, URL, NEW_POST)
    response = post_json(api_client, URL, {**NEW_POST, "brand": "Other"})
    assert response.status_code == 400
    assert "belongs to brand 'Acme'" in response.json()["errors"]["brand"][0]


def test_read_only_token_cannot_ingest(readonly_api_client):
    response = post_json(readonly_api_client, URL, NEW_POST)
    assert response.status_code == 403
    assert not DailyMetric.objects.exists()


def test_ingest_stays_in_the_token_workspace(api_client, outsider_api_client, workspace):
    post_json(api_client, URL, NEW_POST)
    response = post_json(outsider_api_client, URL, {"post_id": "fb-1", "impressions": 1, "clicks": 0})
    assert response.status_code == 400  # fb-1 is unknown in the other workspace
    assert Brand.objects.count() == 1


def test_batch_keeps_good_rows_and_reports_bad_ones(api_client):
    rows = [
        NEW_POST,
        {**NEW_POST, "post_id": "fb-2", "variant": "B", "clicks": 5000},
        {**NEW_POST, "date": "2026-03-02"},
        "not an object",
    ]
    response = post_json(api_client, URL + "/batch", rows)
    assert response.status_code == 200
    body = response.json()
    assert body["ingested"] == 2 and body["received"] == 4
    assert [e["index"] for e in body["errors"]] == [1, 3]
    assert "cannot exceed impressions" in body["errors"][0]["errors"]["clicks"][0]
    assert DailyMetric.objects.count() == 2


def test_batch_must_be_a_list(api_client):
    response = post_json(api_client, URL + "/batch", {"post_id": "x"})
    assert response.status_code == 422


def test_batch_reports_rows_whose_post_id_is_not_text(api_client):
    response = post_json(api_client, URL + "/batch", [{"post_id": 12, "impressions": 1, "clicks": 5}])
    assert response.status_code == 200
    assert response.json()["errors"][0]["post_id"] == "12"
