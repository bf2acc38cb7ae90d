"""Capturing feedback: one entry, batches, imports, the rating change, cache invalidation."""

import io
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from feedback import queries
from feedback.analysis import analyze
from feedback.models import FeedbackEntry, PatternCache
from feedback.services import capture, imports, patterns, reports, routing
from tests.feedback.factories import FeedbackEntryFactory

pytestmark = pytest.mark.django_db


def test_capture_normalises_tags_and_copies_framework_and_model(workspace):
    entry = capture.capture_entry(
        workspace,
        prompt="Explain quantum computing",
        output="Quantum computing uses...",
        rating=5,
        thumbs=True,
        tags="Code Review, code-review, Technical",
        context={"framework": "chain-of-thought", "confidence": 0.8},
        model="claude-sonnet-5",
    )
    assert entry.tags == ["code-review", "technical"]
    assert entry.thumbs == 1
    assert (entry.framework, entry.model_name) == ("chain-of-thought", "claude-sonnet-5")
    assert entry.context == {
        "framework": "chain-of-thought",
        "confidence": 0.8,
        "model": "claude-sonnet-5",
    }


@pytest.mark.parametrize("rating", [0, 6, 3.5, "five", None, True, float("nan")])
def test_rating_outside_one_to_five_is_refused(workspace, rating):
    with pytest.raises(ValidationError) as info:
        capture.capture_entry(workspace, prompt="p", output="o", rating=rating)
    assert "rating" in info.value.message_dict
    assert not FeedbackEntry.objects.exists()


def test_context_with_infinity_is_refused(workspace):
    with pytest.raises(ValidationError) as info:
        capture.capture_entry(workspace, prompt="p", output="o", rating=3, context={"x": float("inf")})
    assert "context" in info.value.message_dict


def test_batch_with_one_bad_entry_stores_nothing_and_names_it(workspace):
    items = [{"prompt": "a", "output": "b", "rating": 4}, {"prompt": "a", "output": "", "rating": 9}]
    with pytest.raises(ValidationError) as info:
        capture.capture_batch(workspace, items)
    assert set(info.value.message_dict) == {"entries.1.output", "entries.1.rating"}
    assert not FeedbackEntry.objects.exists()


def test_csv_import_stores_every_row(workspace):
    text = (
        "prompt,output,rating,thumbs,tags,framework,model,notes,timestamp\n"
        'Explain X,Out,5,up,"Technical, Code Review",cot,sonnet,,2026-11-20T10:00:00Z\n'
        "Explain Y,Out,2,down,creative,few-shot,haiku,too long,\n"
    )
    result = imports.import_entries(workspace, io.BytesIO(text.encode()), "feedback.csv")
    assert result == {"imported": 2}
    first = FeedbackEntry.objects.get(prompt="Explain X")
    assert first.tags == ["technical", "code-review"] and first.thumbs == 1
    assert first.created_at.isoformat().startswith("2026-11-20T10:00")


def test_jsonl_import_with_a_bad_line_imports_nothing_and_names_the_line(workspace):
    lines = [
        json.dumps({"prompt": "a", "output": "b", "rating": 4, "tags": ["x"]}),
        json.dumps({"prompt": "a", "output": "b", "rating": 7}),
    ]
    upload = io.BytesIO("\n".join(lines).encode())
    with pytest.raises(ValidationError) as info:
        imports.import_entries(workspace, upload, "feedback.jsonl")
    assert "line 2" in " ".join(info.value.messages)
    assert not FeedbackEntry.objects.exists()


def test_csv_without_the_required_columns_is_refused(workspace):
    with pytest.raises(ValidationError) as info:
        imports.import_entries(workspace, io.BytesIO(b"a,b\n1,2\n"), "x.csv")
    assert "prompt, output, rating" in " ".join(info.value.messages)


def test_new_entry_invalidates_the_cached_analysis(workspace):
    FeedbackEntryFactory.create_batch(6, workspace=workspace, rating=5)
    first = patterns.analyze_workspace(workspace, days=7, min_samples=5)
    assert PatternCache.objects.filter(workspace=workspace).count() == 1
    assert patterns.analyze_workspace(workspace, days=7, min_samples=5) == first
    capture.capture_entry(workspace, prompt="p", output="o", rating=1)
    assert not PatternCache.objects.filter(workspace=workspace).exists()
    assert patterns.analyze_workspace(workspace, days=7, min_samples=5)["total_feedback"] == 7


def test_rate_entry_changes_rating_and_thumbs(workspace):
    entry = FeedbackEntryFactory(workspace=workspace, rating=2, thumbs=0)
    capture.rate_entry(workspace, entry, rating="5", thumbs="up")
    entry.refresh_from_db()
    assert (entry.rating, entry.thumbs) == (5, 1)


def test_router_recommends_the_pair_that_works_on_the_tag(workspace):
    for _ in range(20):
        FeedbackEntryFactory(
            workspace=workspace, tags=["analytical"], framework="cot", model_name="sonnet", rating=5
        )
        FeedbackEntryFactory(
            workspace=workspace, tags=["analytical"], framework="few-shot", model_name="haiku", rating=1
        )
    answer = routing.recommend_route(workspace, "Analytical")
    rec = answer["recommendation"]
    assert answer["tags"] == ["analytical"]
    assert (rec["framework"], rec["model"]) == ("cot", "sonnet")
    assert rec["confidence"] > 0.9 and rec["n"] == 20


def test_router_without_framework_data_says_why(workspace):
    FeedbackEntryFactory(workspace=workspace, framework="", model_name="")
    answer = routing.recommend_route(workspace, "x")
    assert answer["recommendation"] is None and "framework and a model" in answer["reasoning"]


@pytest.mark.parametrize(
    "content",
    [b"prompt,output,rating\nA,B,5\x00\n", b"\xff\xfe garbage", b"prompt,output,rating\nA,B,5,extra\n"],
)
def test_odd_csv_files_never_crash(workspace, content):
    try:
        imports.import_entries(workspace, io.BytesIO(content), "x.csv")
    except ValidationError as exc:
        assert "file" in exc.message_dict


@pytest.mark.parametrize("timestamp", ["2026-13-45T00:00:00", "yesterday", "1900-01-01"])
def test_bad_timestamps_are_field_errors(workspace, timestamp):
    with pytest.raises(ValidationError) as info:
        capture.capture_entry(workspace, prompt="p", output="o", rating=3, timestamp=timestamp)
    assert "timestamp" in info.value.message_dict


def test_report_for_an_absurd_date_is_refused(workspace):
    with pytest.raises(ValidationError) as info:
        reports.write_report(workspace, "weekly", date(9999, 12, 31))
    assert "date" in info.value.message_dict


def test_entries_frame_reads_one_workspace_window_with_tags_and_times(workspace, other_workspace):
    now = timezone.now()
    FeedbackEntryFactory(workspace=workspace, tags=["a", "b"], rating=5, created_at=now)
    FeedbackEntryFactory(workspace=workspace, tags=[], rating=2, created_at=now - timedelta(days=9))
    FeedbackEntryFactory(workspace=other_workspace, tags=["a"], created_at=now)
    frame = queries.entries_frame(workspace, since=now - timedelta(days=7))
    assert len(frame) == 1
    row = frame.iloc[0]
    assert row["tags"] == ["a", "b"] and row["rating"] == 5 and row["model"] == "claude-sonnet-5"
    assert abs((row["created_at"] - now).total_seconds()) < 1
    untimed = queries.entries_frame(workspace, with_time=False)
    assert sorted(map(len, untimed["tags"])) == [0, 2] and "created_at" not in untimed


def test_analysis_counted_in_the_database_matches_the_row_by_row_analysis(workspace):
    for i in range(8):
        FeedbackEntryFactory(
            workspace=workspace,
            prompt=f"analyse step by step {i % 3}",
            rating=5,
            tags=["analytical", "x"],
            framework="cot",
        )
        FeedbackEntryFactory(
            workspace=workspace,
            prompt=f"write a story quickly {i % 2}",
            rating=2,
            thumbs=-1,
            tags=["creative"],
            framework="few-shot",
        )
    from_db = patterns.analyze_workspace(workspace, days=7, min_samples=3)
    row_by_row = analyze(queries.entries_frame(workspace), min_samples=3)
    for key in ("total_feedback", "success_rate", "avg_rating", "tag_performance",
                "framework_performance", "framework_tag_performance",
                "common_positive_patterns", "common_negative_patterns", "recommendations"):  # fmt: skip
        assert from_db[key] == row_by_row[key], key


def test_report_days_counted_in_the_database(workspace):
    monday = datetime(2026, 11, 16, 10, tzinfo=UTC)
    FeedbackEntryFactory.create_batch(3, workspace=workspace, rating=5, created_at=monday)
    FeedbackEntryFactory(workspace=workspace, rating=1, created_at=monday + timedelta(days=2))
    report = reports.write_report(workspace, "weekly", monday.date())
    daily = {row["date"]: row["n"] for row in report.data["daily"]}
    assert daily["2026-11-16"] == 3 and daily["2026-11-18"] == 1 and daily["2026-11-17"] == 0
    assert report.data["avg_rating"] == 4.0 and report.data["success_rate"] == 0.75
