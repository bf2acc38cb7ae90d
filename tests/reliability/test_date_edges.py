"""Dates at and past the edges (periods, metric dates, nested JSON) answer a 4xx naming the
field, never 500; the first and last accepted days still work."""

import html
import io
import json
from urllib.parse import urlencode

import pytest
from django.core.exceptions import ValidationError

from analytics.entities import TABLES
from analytics.exports_raw import DATASETS
from core.dates import MAX_DATE, MIN_DATE
from feedback.models import FeedbackEntry
from feedback.services import imports as services

OUT_OF_RANGE = ["0001-01-01", "9999-12-31", "1899-12-31", "2101-01-01"]
GARBAGE = ["2024-02-30", "yesterday", "x" * 10_000, "2024-01-01\x00", "-0001-01-01", "+10000-01-01"]
BAD_DATES = OUT_OF_RANGE + GARBAGE
BAD_IDS = ["0001", "9999", "1899", "2101", "feb30", "word", "10kB", "nul", "negative-year", "five-digit-year"]

PAGES = ["/"] + [f"/analytics/{table}/" for table in TABLES]
DOWNLOADS = [f"/analytics/{table}/?format=csv" for table in TABLES] + [
    f"/analytics/exports/{dataset}.csv" for dataset in DATASETS
]


def _names(response, field):
    """The 400 names the field: beside the period form, first in a refused download, or (a NUL
    character, refused for every page by core.middleware) in the error page."""
    if response.context and "period_errors" in response.context:
        return field in response.context["period_errors"]
    text = html.unescape(response.content.decode())
    return text.startswith(f"{field}: ") or f"The parameter '{field}' is not valid" in text


def _with(url, **params):
    return url + ("&" if "?" in url else "?") + urlencode(params)


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("field", ["start", "end"])
@pytest.mark.parametrize("bad", BAD_DATES, ids=BAD_IDS)
def test_a_page_with_a_date_out_of_range_or_garbage_answers_400_naming_it(url, field, bad, owner_client):
    params = {"start": "2026-01-01", "end": "2026-01-31", field: bad}
    response = owner_client.get(_with(url, **params))
    assert response.status_code == 400
    assert _names(response, field)


@pytest.mark.parametrize("url", DOWNLOADS)
@pytest.mark.parametrize("field", ["start", "end"])
@pytest.mark.parametrize("bad", BAD_DATES, ids=BAD_IDS)
def test_a_download_with_a_date_out_of_range_or_garbage_answers_400_naming_it(url, field, bad, owner_client):
    params = {"start": "2026-01-01", "end": "2026-01-31", field: bad}
    response = owner_client.get(_with(url, **params))
    assert response.status_code == 400
    assert _names(response, field)


@pytest.mark.parametrize("field", ["start", "end"])
@pytest.mark.parametrize("bad", BAD_DATES, ids=BAD_IDS)
def test_the_dashboard_api_with_a_date_out_of_range_or_garbage_answers_400_naming_it(field, bad, api_client):
    params = {"start": "2026-01-01", "end": "2026-01-31", field: bad}
    response = api_client.get("/api/v1/analytics/dashboard", params)
    assert response.status_code in (400, 422), response.content[:300]
    assert field in response.json()["errors"]


@pytest.mark.parametrize("url", PAGES + DOWNLOADS)
@pytest.mark.parametrize("day", [MIN_DATE, MAX_DATE], ids=["first-day", "last-day"])
def test_the_first_and_last_accepted_days_answer_200(url, day, owner_client):
    response = owner_client.get(_with(url, start=day.isoformat(), end=day.isoformat()))
    assert response.status_code == 200


@pytest.mark.parametrize("day", [MIN_DATE, MAX_DATE], ids=["first-day", "last-day"])
def test_the_dashboard_api_takes_the_first_and_last_accepted_days(day, api_client):
    response = api_client.get(
        "/api/v1/analytics/dashboard", {"start": day.isoformat(), "end": day.isoformat()}
    )
    assert response.status_code == 200
    assert response.json()["period"]["start"].startswith(day.isoformat())


@pytest.mark.parametrize("days", [str(10**30), "-7", "0.5", "NaN", "inf"])
def test_a_period_length_out_of_range_is_a_4xx_naming_days(days, api_client, owner_client):
    response = api_client.get("/api/v1/analytics/dashboard", {"days": days})
    assert response.status_code in (400, 422) and "days" in response.json()["errors"]
    page = owner_client.get("/", {"days": days})
    assert page.status_code == 400 and "days" in page.context["period_errors"]


# --- metric dates ---------------------------------------------------------------------------------


def _metric(**extra):
    return {
        "post_id": "edge-1",
        "brand": "B",
        "experiment": "E",
        "variant": "A",
        "impressions": 10,
        "clicks": 1,
        **extra,
    }


@pytest.mark.parametrize("day", OUT_OF_RANGE)
def test_a_metric_date_out_of_range_is_refused_naming_date(day, api_client):
    response = api_client.post(
        "/api/v1/feedback-loop/metrics/ingest", json.dumps(_metric(date=day)), content_type="application/json"
    )
    assert response.status_code in (400, 422), response.content[:300]
    assert "date" in response.json()["errors"]


@pytest.mark.parametrize(
    "moment", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "2101-01-01T00:00:00Z"]
)
def test_a_published_at_out_of_range_is_refused_naming_it(moment, api_client):
    response = api_client.post(
        "/api/v1/feedback-loop/metrics/ingest",
        json.dumps(_metric(date="2026-01-01", published_at=moment)),
        content_type="application/json",
    )
    assert response.status_code in (400, 422), response.content[:300]
    assert "published_at" in response.json()["errors"]


def test_metric_dates_out_of_range_in_a_batch_are_reported_per_row(api_client):
    rows = [_metric(date=day) for day in OUT_OF_RANGE] + [_metric(date="2026-01-02")]
    response = api_client.post(
        "/api/v1/feedback-loop/metrics/ingest/batch", json.dumps(rows), content_type="application/json"
    )
    assert response.status_code == 200, response.content[:300]
    body = response.json()
    assert body["ingested"] == 1
    assert [error["index"] for error in body["errors"]] == [0, 1, 2, 3]
    assert all("date" in error["errors"] for error in body["errors"])


@pytest.mark.parametrize("day", [MIN_DATE, MAX_DATE], ids=["first-day", "last-day"])
def test_a_metric_on_the_first_or_last_accepted_day_is_stored_and_the_dashboard_still_renders(
    day, api_client, owner_client
):
    response = api_client.post(
        "/api/v1/feedback-loop/metrics/ingest",
        json.dumps(_metric(date=day.isoformat())),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content[:300]
    assert owner_client.get("/", {"start": day.isoformat(), "end": day.isoformat()}).status_code == 200
    assert owner_client.get("/").status_code == 200


# --- nesting in imported JSON ---------------------------------------------------------------------
# The import service itself (behind the import page, whose flow is its own): the JSON of a JSON Lines
# file and of a CSV's context column is parsed with core.jsonlimits.loads_limited.


def _deep(depth):
    return '{"a":' * depth + "1" + "}" * depth


def _import(workspace, name, text):
    upload = io.BytesIO(text.encode())
    upload.name = name
    return services.import_entries(workspace, upload, name)


def _refusal(workspace, name, text):
    with pytest.raises(ValidationError) as refused:
        _import(workspace, name, text)
    return " ".join(message for messages in refused.value.message_dict.values() for message in messages)


@pytest.mark.parametrize("depth", [33, 10_000])
def test_a_feedback_import_with_a_deeply_nested_json_line_is_refused(depth, workspace):
    line = '{"prompt": "p", "output": "o", "rating": 4, "context": ' + _deep(depth) + "}\n"
    assert "nests deeper than 32 levels" in _refusal(workspace, "deep.jsonl", line)
    assert not FeedbackEntry.objects.filter(workspace=workspace).exists()


@pytest.mark.parametrize("depth", [33, 10_000])
def test_a_feedback_import_with_a_deeply_nested_context_column_is_refused(depth, workspace):
    context = _deep(depth).replace('"', '""')
    text = f'prompt,output,rating,context\np,o,4,"{context}"\n'
    assert "nests deeper than 32 levels" in _refusal(workspace, "deep.csv", text)
    assert not FeedbackEntry.objects.filter(workspace=workspace).exists()


def test_a_feedback_import_with_a_nul_in_a_json_line_names_the_field(workspace):
    line = json.dumps({"prompt": "p\x00", "output": "o", "rating": 4}) + "\n"
    message = _refusal(workspace, "nul.jsonl", line).lower()
    assert "line 1" in message and "prompt" in message and "nul characters" in message
    assert not FeedbackEntry.objects.filter(workspace=workspace).exists()


def test_a_feedback_import_with_a_json_context_of_ordinary_depth_is_stored(workspace):
    line = json.dumps({"prompt": "p", "output": "o", "rating": 4, "context": {"a": {"b": [1, 2]}}}) + "\n"
    _import(workspace, "ok.jsonl", line)
    assert FeedbackEntry.objects.get(workspace=workspace).context["a"] == {"b": [1, 2]}
