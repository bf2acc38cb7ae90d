"""`manage.py feedback capture|analyze|report|suggest` through call_command."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from feedback.models import FeedbackEntry
from workspaces.models import Workspace

pytestmark = pytest.mark.django_db


def _run(*args):
    out = StringIO()
    call_command("feedback", *args, stdout=out)
    return out.getvalue()


def _capture(slug, rating, framework="chain-of-thought", tags="technical,explanation"):
    return _run(
        "capture", "--workspace", slug, "--prompt", "Explain quantum computing in simple terms",
        "--output", "Quantum computing uses quantum mechanics...", "--rating", str(rating),
        "--thumbs-up" if rating >= 4 else "--thumbs-down", "--tags", tags,
        "--framework", framework, "--model", "claude-sonnet-4",
    )  # fmt: skip


def test_capture_creates_the_workspace_and_stores_the_entry():
    out = _capture("team-a", 5)
    assert "Created workspace 'team-a'" in out and "Captured feedback" in out
    entry = FeedbackEntry.objects.get(workspace__slug="team-a")
    assert entry.thumbs == 1 and entry.context["model"] == "claude-sonnet-4"


def test_capture_with_a_bad_rating_is_a_clear_error():
    with pytest.raises(CommandError, match="rating: The rating must be a whole number"):
        _capture("team-a", 7)


def test_analyze_with_too_few_entries_says_insufficient_with_count_and_threshold():
    _capture("team-a", 5)
    with pytest.raises(CommandError) as info:
        _run("analyze", "--workspace", "team-a", "--min-samples", "5")
    assert "Insufficient feedback data: 1 entries" in str(info.value)
    assert "at least 5 needed" in str(info.value)


def test_analyze_prints_rates_with_n_and_interval():
    for rating in (5, 5, 4, 2, 1, 5):
        _capture("team-a", rating)
    out = _run("analyze", "--workspace", "team-a", "--days", "7", "--min-samples", "3")
    assert "6 entries: 4 successful, 2 not" in out
    assert (
        "chain-of-thought: 67% (n=6, 95% CI" in out.replace(".7%", "%")
        or "chain-of-thought: 66.7% (n=6" in out
    )


def test_report_output_writes_the_json_file(tmp_path):
    for rating in (5, 4, 1):
        _capture("team-a", rating)
    target = tmp_path / "monthly_report.json"
    out = _run("report", "--workspace", "team-a", "--period", "monthly", "--output", str(target))
    data = json.loads(target.read_text())
    assert "Wrote" in out
    assert data["period_type"] == "monthly" and data["total_prompts"] == 3
    assert data["success_rate"] == pytest.approx(2 / 3)
    for key in ("period", "start_date", "end_date", "avg_rating", "improvement_vs_previous"):
        assert key in data


def test_report_of_an_empty_period_says_insufficient():
    with pytest.raises(CommandError, match="Insufficient feedback data: 0 entries"):
        _run("report", "--workspace", "empty-team", "--period", "weekly")
    assert Workspace.objects.filter(slug="empty-team").exists()


def test_suggest_prints_rule_based_suggestions_with_a_note():
    for rating in (5, 5, 5, 1, 1, 1):
        _capture("team-a", rating)
    out = _run("suggest", "--workspace", "team-a", "--framework", "chain-of-thought", "--limit", "3")
    assert "Note: No Anthropic API key is configured" in out
    assert "1. " in out
