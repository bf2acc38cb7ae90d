"""Each app's pages show the same sub-navigation, with exactly one tab marked as the current page."""

import re
from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse

from feedback.models import FeedbackReport
from leads.models import Lead

pytestmark = pytest.mark.django_db

LEADS_PAGES = ["leads:index", "leads:preferences", "leads:agents", "leads:scoring_status",
               "leads:scoring_settings", "leads:import_start"]  # fmt: skip
FEEDBACK_PAGES = ["feedback:index", "feedback:entry_create", "feedback:import", "feedback:analysis",
                  "feedback:reports", "feedback:suggestions", "feedback:route"]  # fmt: skip


def _subnav(body, app):
    match = re.search(rf'<nav[^>]*data-subnav="{app}"[^>]*>(.*?)</nav>', body, re.S)
    assert match, f"no {app} sub-navigation"
    tabs = re.findall(r'<a href="([^"]+)"([^>]*)>([^<]+)</a>', match.group(1))
    return [(href, text) for href, _, text in tabs], [
        text for _, attrs, text in tabs if "aria-current" in attrs
    ]


@pytest.mark.parametrize(("app", "pages"), [("leads", LEADS_PAGES), ("feedback", FEEDBACK_PAGES)])
def test_every_page_of_the_app_shows_the_same_tabs_with_one_current(owner_client, app, pages):
    seen = set()
    for name in pages:
        response = owner_client.get(reverse(name))
        assert response.status_code == 200, name
        tabs, current = _subnav(response.content.decode(), app)
        seen.add(tuple(tabs))
        assert len(current) == 1, f"{name}: current tabs {current}"
        assert dict((text, href) for href, text in tabs)[current[0]] == reverse(name)
    assert len(seen) == 1, "the tabs differ between pages"


def test_lead_detail_page_marks_the_leads_tab(owner_client, workspace):
    lead = Lead.objects.create(workspace=workspace, name="Ada")
    tabs, current = _subnav(
        owner_client.get(reverse("leads:lead_detail", args=[lead.id])).content.decode(), "leads"
    )
    assert current == ["Leads"]
    assert [text for _, text in tabs][:3] == ["Leads", "Call list", "Preferences"]


def test_feedback_report_detail_marks_the_reports_tab(owner_client, workspace):
    report = FeedbackReport.objects.create(
        workspace=workspace, period_type="weekly", period="2026-W40",
        start_date=date(2026, 9, 28), end_date=date(2026, 10, 4), data={},
    )  # fmt: skip
    body = owner_client.get(reverse("feedback:report_detail", args=[report.id])).content.decode()
    assert _subnav(body, "feedback")[1] == ["Reports"]


def test_current_tab_has_a_visible_style():
    css = (Path(__file__).resolve().parents[1] / "static/css/app.css").read_text()
    assert re.search(r'\.subnav a\[aria-current="page"\]\s*\{[^}]*font-weight:\s*700', css)
