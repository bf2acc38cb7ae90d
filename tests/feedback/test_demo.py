"""Demo data: realistic, quick, and the analysis finds the patterns planted in it."""

import pytest

from feedback import demo
from feedback.models import FeedbackEntry, FeedbackReport
from feedback.services import patterns, routing
from feedback.summaries import dashboard_cards

pytestmark = pytest.mark.django_db


def test_demo_seed_gives_patterns_reports_and_dashboard_cards(workspace, owner):
    demo.seed(workspace, owner)
    assert FeedbackEntry.objects.for_workspace(workspace).count() == 480
    assert FeedbackReport.objects.for_workspace(workspace).count() >= 5
    result = patterns.analyze_workspace(workspace, days=60, min_samples=10)
    tags = result["framework_tag_performance"]["chain-of-thought"]
    assert tags["analytical"]["success_rate"] > tags["creative"]["success_rate"]
    positive = {row["phrase"] for row in result["common_positive_patterns"]}
    assert positive, "the planted wording differences should show"
    rec = routing.recommend_route(workspace, "analytical")["recommendation"]
    assert rec["alternatives"][0]["framework"] == "chain-of-thought"
    titles = [card["title"] for card in dashboard_cards(workspace)]
    assert "Output success rate" in titles
