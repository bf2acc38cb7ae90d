"""Keys are shown as words, and changes in points carry their sign."""

from datetime import date

import pytest
from django.template import Context, Template

from feedback.models import FeedbackReport
from leads.models import Lead
from workspaces.labels import humanize_key, signed_points


@pytest.mark.parametrize(
    ("key", "label"),
    [
        ("unit_price", "Unit price"),
        ("days_since_contact", "Days since contact"),
        ("post_id", "Post ID"),
        ("ctr", "CTR"),
        ("scoring.model_promoted", "Scoring: model promoted"),
        ("price_sensitive", "Price sensitive"),
    ],
)
def test_snake_case_key_is_shown_as_words(key, label):
    assert humanize_key(key) == label


def test_a_label_that_is_already_words_is_kept():
    assert humanize_key("Cost efficiency") == "Cost efficiency"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1.8, "+1.8 points"),
        (-3.14, "\u22123.1 points"),
        (0, "0.0 points"),
        (None, "–"),
        ("12", "+12.0 points"),
    ],
)
def test_change_in_points_carries_its_sign(value, text):
    assert signed_points(value) == text


def test_filters_are_available_to_templates():
    html = Template("{% load ui %}{{ key|humanize_key }} {{ change|signed_points }}").render(
        Context({"key": "website_visits", "change": 1.8})
    )
    assert html == "Website visits +1.8 points"


@pytest.mark.django_db
def test_lead_page_names_factors_and_attributes_in_words(owner_client, workspace):
    lead = Lead.objects.create(workspace=workspace, name="Ada", attributes={"days_since_contact": 4})
    body = owner_client.get(f"/leads/{lead.id}/").content.decode()
    assert "Days since contact" in body
    assert "<th>days_since_contact</th>" not in body


@pytest.mark.django_db
def test_report_change_is_signed(owner_client, workspace):
    FeedbackReport.objects.create(
        workspace=workspace,
        period_type="weekly",
        period="2026-W40",
        start_date=date(2026, 9, 28),
        end_date=date(2026, 10, 4),
        total_prompts=10,
        success_rate=0.5,
        improvement_vs_previous=-3.1,
        data={},
    )
    body = owner_client.get("/feedback/reports/").content.decode()
    assert "\u22123.1 points" in body


@pytest.mark.django_db
def test_lead_page_shows_a_nested_attribute_as_words_not_a_dict(owner_client, workspace):
    lead = Lead.objects.create(
        workspace=workspace, name="Ada", attributes={"extra": {"search_query": "B2B SaaS"}}
    )
    body = owner_client.get(f"/leads/{lead.id}/").content.decode()
    assert "Search query: B2B SaaS" in body
    assert "{&#x27;search_query&#x27;" not in body
