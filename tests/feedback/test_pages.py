"""The pages: entries, the form, the rating widget (htmx), import, analysis, reports, router."""

import io

import pytest
from django.urls import reverse

from feedback import services
from feedback.models import FeedbackEntry, FeedbackReport
from tests.feedback.factories import FeedbackEntryFactory
from tests.import_steps import preview_values
from workspaces.models import AuditEvent

pytestmark = pytest.mark.django_db


def _mixed(workspace, n=12):
    for i in range(n):
        FeedbackEntryFactory(
            workspace=workspace,
            prompt=f"analyse step by step case {i}",
            rating=5,
            tags=["analytical"],
            framework="cot",
            model_name="sonnet",
        )
        FeedbackEntryFactory(
            workspace=workspace,
            prompt=f"write a story quickly {i}",
            rating=2,
            tags=["creative"],
            framework="few-shot",
            model_name="haiku",
        )


def test_index_lists_entries_with_the_success_rate(owner_client, workspace):
    FeedbackEntryFactory(workspace=workspace, prompt="Explain quantum computing", rating=5)
    response = owner_client.get(reverse("feedback:index"))
    assert response.status_code == 200
    assert "Explain quantum computing" in response.content.decode()
    assert "n=1" in response.content.decode()


def test_index_filters_by_tag_as_an_htmx_fragment(owner_client, workspace):
    FeedbackEntryFactory(workspace=workspace, prompt="Review my code", tags=["code-review"])
    FeedbackEntryFactory(workspace=workspace, prompt="Write a poem", tags=["creative"])
    response = owner_client.get(reverse("feedback:index"), {"tag": "Code Review"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="entry-table">')
    assert "Review my code" in body and "Write a poem" not in body


def test_form_captures_an_entry_and_shows_its_output_page(teammate_client, workspace):
    response = teammate_client.post(
        reverse("feedback:entry_create"),
        {
            "prompt": "Explain quantum computing",
            "output": "Qubits...",
            "rating": "5",
            "thumbs": "up",
            "tags": "Technical, Explanation",
            "framework": "chain-of-thought",
            "model": "claude-sonnet-5",
        },
    )
    entry = FeedbackEntry.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("feedback:entry_detail", args=[entry.pk])
    assert entry.tags == ["technical", "explanation"] and entry.framework == "chain-of-thought"


def test_form_without_a_rating_shows_the_error_beside_the_field(teammate_client):
    response = teammate_client.post(
        reverse("feedback:entry_create"), {"prompt": "p", "output": "o", "thumbs": "none"}
    )
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not FeedbackEntry.objects.exists()


def test_viewer_cannot_open_the_capture_form(viewer_client):
    assert viewer_client.get(reverse("feedback:entry_create")).status_code == 403


def test_rating_widget_answers_its_fragment_with_the_new_rating(teammate_client, workspace):
    entry = FeedbackEntryFactory(workspace=workspace, rating=5)
    response = teammate_client.post(
        reverse("feedback:entry_rate", args=[entry.pk]), {"rating": "2"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<form id="rating-widget"')
    assert "Rated <strong data-rating>2</strong> of 5" in body and "saved" in body
    entry.refresh_from_db()
    assert entry.rating == 2


def test_rating_widget_thumbs_down(teammate_client, workspace):
    entry = FeedbackEntryFactory(workspace=workspace, thumbs=0)
    teammate_client.post(
        reverse("feedback:entry_rate", args=[entry.pk]), {"thumbs": "down"}, HTTP_HX_REQUEST="true"
    )
    entry.refresh_from_db()
    assert entry.thumbs == -1


def test_rating_widget_refuses_a_bad_rating_in_the_fragment(teammate_client, workspace):
    entry = FeedbackEntryFactory(workspace=workspace, rating=4)
    response = teammate_client.post(
        reverse("feedback:entry_rate", args=[entry.pk]), {"rating": "9"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400
    assert "whole number from 1 to 5" in response.content.decode()
    entry.refresh_from_db()
    assert entry.rating == 4


def test_viewer_cannot_rate(viewer_client, workspace):
    entry = FeedbackEntryFactory(workspace=workspace, rating=4)
    response = viewer_client.post(reverse("feedback:entry_rate", args=[entry.pk]), {"rating": "1"})
    assert response.status_code == 403


def test_output_page_shows_prompt_output_and_widget(owner_client, workspace):
    entry = FeedbackEntryFactory(workspace=workspace, prompt="Explain X", output="X is...")
    body = owner_client.get(reverse("feedback:entry_detail", args=[entry.pk])).content.decode()
    assert "Explain X" in body and "X is..." in body and 'id="rating-widget"' in body


def test_import_page_reports_the_count(teammate_client):
    upload = io.BytesIO(b"prompt,output,rating\nA,B,5\nC,D,1\n")
    upload.name = "feedback.csv"
    preview = teammate_client.post(reverse("feedback:import"), {"file": upload})
    response = teammate_client.post(reverse("feedback:import_confirm"), preview_values(preview), follow=True)
    assert "2 stored, 0 updated, 0 skipped" in response.content.decode()


def test_import_page_shows_the_bad_line(teammate_client):
    upload = io.BytesIO(b"prompt,output,rating\nA,B,5\nC,D,8\n")
    upload.name = "feedback.csv"
    preview = teammate_client.post(reverse("feedback:import"), {"file": upload})
    values = {**preview_values(preview), "all_or_nothing": "on"}
    response = teammate_client.post(reverse("feedback:import_confirm"), values, follow=True)
    assert "<td>3</td><td>rating</td>" in response.content.decode()
    assert not FeedbackEntry.objects.exists()


def test_analysis_page_shows_rates_chart_table_and_phrases(owner_client, workspace):
    _mixed(workspace)
    body = owner_client.get(reverse("feedback:analysis")).content.decode()
    assert 'data-chart="chart-framework"' in body
    assert "<td>cot</td><td>100%</td>" in body
    assert "“analyse" in body or "step by”" in body


def test_analysis_page_says_insufficient_data_with_count_and_threshold(owner_client, workspace):
    FeedbackEntryFactory(workspace=workspace)
    response = owner_client.get(
        reverse("feedback:analysis"), {"days": 30, "min_samples": 5}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="analysis-results">')
    assert "Insufficient feedback data: 1 rated outputs" in body and "at least 5 needed" in body


def test_writing_a_report_from_the_page_opens_it_with_chart_and_export(owner_client, workspace):
    _mixed(workspace, n=3)
    response = owner_client.post(reverse("feedback:reports"), {"period": "weekly"}, follow=True)
    report = FeedbackReport.objects.get()
    body = response.content.decode()
    assert report.total_prompts == 6
    event = AuditEvent.objects.get(action="feedback.report_written")
    assert event.actor.username == "olivia" and event.target == f"weekly {report.period}"
    assert 'data-chart="chart-daily"' in body and "Export JSON" in body
    export = owner_client.get(reverse("feedback:report_json", args=[report.pk]))
    assert export["Content-Type"] == "application/json"
    assert export.json()["total_prompts"] == 6


def test_viewer_cannot_write_a_report(viewer_client):
    response = viewer_client.post(reverse("feedback:reports"), {"period": "weekly"})
    assert response.status_code == 403


def test_suggestions_page_is_rule_based_without_a_key(owner_client, workspace):
    _mixed(workspace)
    response = owner_client.get(
        reverse("feedback:suggestions"),
        {"days": 30, "limit": 5, "framework": ""},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert "No Anthropic API key is configured" in body and "rule-based" in body
    assert "Evidence:" in body


def test_router_page_recommends_with_confidence_and_reasoning(owner_client, workspace):
    _mixed(workspace)
    response = owner_client.get(reverse("feedback:route"), {"tags": "Analytical"})
    body = response.content.decode()
    assert "Recommended: <strong>cot</strong> with <strong>sonnet</strong>" in body
    assert "probability it is the best" in body


def test_dashboard_shows_the_alert_when_the_success_rate_fell(owner_client, workspace):
    from datetime import timedelta

    from django.utils import timezone

    last_week = timezone.now() - timedelta(days=7)
    two_weeks = timezone.now() - timedelta(days=14)
    for i in range(10):
        FeedbackEntryFactory(workspace=workspace, rating=5, created_at=two_weeks)
        FeedbackEntryFactory(workspace=workspace, rating=5 if i < 3 else 1, created_at=last_week)
    services.write_report(workspace, "weekly", last_week.date())
    body = owner_client.get(reverse("analytics:dashboard")).content.decode()
    assert "Output success rate fell 70.0 points" in body


def test_a_pasted_json_lines_batch_is_imported(teammate_client, workspace):
    text = (
        '{"prompt": "A", "output": "B", "rating": 5, "tags": ["Code Review"]}\n'
        '{"prompt": "C", "output": "D", "rating": 2, "thumbs": "down"}\n'
    )
    preview = teammate_client.post(reverse("feedback:import"), {"text": text})
    response = teammate_client.post(reverse("feedback:import_confirm"), preview_values(preview), follow=True)
    assert "2 stored, 0 updated, 0 skipped" in response.content.decode()
    assert FeedbackEntry.objects.get(prompt="A").tags == ["code-review"]


def test_import_without_file_or_text_says_so(teammate_client):
    response = teammate_client.post(reverse("feedback:import"), {"text": "  "})
    assert "Choose a file or paste a batch." in response.content.decode()


def test_suggestions_page_opens_with_last_months_suggestions(owner_client, workspace):
    _mixed(workspace)
    body = owner_client.get(reverse("feedback:suggestions")).content.decode()
    assert "From 24 rated outputs over 30 days" in body


def test_suggestions_page_with_no_feedback_says_insufficient(owner_client):
    body = owner_client.get(reverse("feedback:suggestions")).content.decode()
    assert "Insufficient feedback data: 0 rated outputs, at least 5 needed." in body
