"""Every page of the five loops and the dashboard, as the demo owner and as a viewer, on a laptop and a phone."""

import re

import pytest

from tests.journeys.checks import check_page
from tests.journeys.conftest import each

pytestmark = [pytest.mark.browser, pytest.mark.slow]

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"

# (name, path, main-nav tab that must be marked current)
PAGES = [
    ("dashboard", "/", "Dashboard"),
    ("analytics-agents", "/analytics/agents/", "Dashboard"),
    ("analytics-recipes", "/analytics/recipes/", "Dashboard"),
    ("analytics-models", "/analytics/models/", "Dashboard"),
    ("analytics-brands", "/analytics/brands/", "Dashboard"),
    ("analytics-segments", "/analytics/segments/", "Dashboard"),
    ("analytics-frameworks", "/analytics/frameworks/", "Dashboard"),
    ("leads", "/leads/", "Leads"),
    ("leads-preferences", "/leads/preferences/", "Leads"),
    ("leads-call-list", "/leads/call-list/", "Leads"),
    ("leads-agents", "/leads/agents/", "Leads"),
    ("leads-scoring", "/leads/scoring/", "Leads"),
    ("leads-scoring-settings", "/leads/scoring/settings/", "Leads"),
    ("leads-import", "/leads/import/", "Leads"),
    ("content", "/content/", "Content"),
    ("content-upload", "/content/upload/", "Content"),
    ("content-write", "/content/write/", "Content"),
    ("content-policy", "/content/policy/", "Content"),
    ("matching", "/matching/", "Matching"),
    ("matching-analytics", "/matching/analytics/", "Matching"),
    ("matching-providers", "/matching/providers/", "Matching"),
    ("feedback", "/feedback/", "Output feedback"),
    ("feedback-analysis", "/feedback/analysis/", "Output feedback"),
    ("feedback-reports", "/feedback/reports/", "Output feedback"),
    ("feedback-suggestions", "/feedback/suggestions/", "Output feedback"),
    ("feedback-route", "/feedback/route/", "Output feedback"),
    ("settings", "/workspaces/settings/", None),
]

# Detail pages reached by following the first link of their kind from a list page.
DETAILS = [
    ("lead-detail", "/leads/", rf"^/leads/{UUID}/$", "Leads"),
    ("agent-detail", "/leads/agents/", rf"^/leads/agents/{UUID}/$", "Leads"),
    ("recipe-detail", "/leads/agents/", rf"^/leads/recipes/{UUID}/$", "Leads"),
    ("execution-detail", "/leads/", rf"^/leads/executions/{UUID}/$", "Leads"),
    ("brand-detail", "/content/", rf"^/content/brands/{UUID}/$", "Content"),
    ("content-run", "/content/", rf"^/content/runs/{UUID}/$", "Content"),
    ("matching-session", "/matching/", rf"^/matching/sessions/{UUID}/$", "Matching"),
    ("feedback-entry", "/feedback/", rf"^/feedback/entries/{UUID}/$", "Output feedback"),
    ("feedback-report", "/feedback/reports/", rf"^/feedback/reports/{UUID}/$", "Output feedback"),
]


# Pages that only change things: a viewer may be refused them (403), with a page that says so.
WRITE_ONLY = {"leads-import", "content-upload", "content-write", "leads-scoring-settings", "content-policy"}


def first_link(page, pattern):
    hrefs = page.eval_on_selector_all("main a[href]", "links => links.map(a => a.getAttribute('href'))")
    return next((href for href in hrefs if re.match(pattern, href.split("?")[0])), None)


@each("demo", "viewer")
def test_every_page_looks_right(journey, request):
    page, watch = journey
    tag = request.node.callspec.id
    problems = []
    for name, path, tab in PAGES:
        response = page.goto(path)
        if response.status == 403 and tag.startswith("viewer") and name in WRITE_ONLY:
            watch.take()  # the refusal itself is expected; the page it shows is still checked
            assert "viewer" in page.locator("main").inner_text().lower(), (
                f"{path}: the 403 page does not say why"
            )
            problems += check_page(page, watch, f"{tag}-{name}-refused")
            continue
        assert response.status == 200, f"{path} answered {response.status}"
        problems += check_page(page, watch, f"{tag}-{name}", current_tab=tab)
    for name, list_path, pattern, tab in DETAILS:
        page.goto(list_path)
        href = first_link(page, pattern)
        if href is None:
            problems.append(f"{name}: no link matching {pattern} on {list_path}")
            continue
        response = page.goto(href)
        assert response.status == 200, f"{href} answered {response.status}"
        problems += check_page(page, watch, f"{tag}-{name}", current_tab=tab)
    assert not problems, "\n".join(problems)
