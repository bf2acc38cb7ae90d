"""In a real browser, with the demo data: the dashboard fits in about two screens, on a laptop and a phone."""

from pathlib import Path

import pytest

from tests.browser import login
from tests.reliability.world import seed_demo_data
from tests.workspaces.factories import MembershipFactory

SHOTS = Path("/tmp/j3/shots")


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_dashboard_with_demo_data_is_under_2000_px_tall(browser_page, live_server, workspace):
    membership = MembershipFactory(workspace=workspace, role="owner")
    seed_demo_data(workspace, membership.user)
    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, live_server, membership.user)
    page.wait_for_selector("canvas[data-chart-drawn='true']")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "dashboard-1366x900.png"), full_page=True)
    height = page.evaluate("document.body.scrollHeight")

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.wait_for_selector("canvas[data-chart-drawn='true']")
    page.screenshot(path=str(SHOTS / "dashboard-390x844.png"), full_page=True)
    # Full-page phone shots shrink past reading: the first screen and the alerts on their own.
    page.screenshot(path=str(SHOTS / "dashboard-390x844-first-screen.png"))
    page.locator("#alerts").screenshot(path=str(SHOTS / "dashboard-390x844-alerts.png"))
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")

    assert height < 2000, f"the dashboard is {height} px tall at 1366x900"
    assert overflow <= 0, f"the dashboard scrolls sideways by {overflow} px on a phone"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_empty_workspace_dashboard_shows_get_started_and_no_chart(browser_page, live_server, workspace):
    membership = MembershipFactory(workspace=workspace, role="owner")
    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, live_server, membership.user)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "dashboard-empty-1366x900.png"), full_page=True)

    assert page.get_by_role("heading", name="Get started").is_visible()
    assert page.locator("[data-first-step] a").count() == 5
    assert page.locator("canvas").count() == 0
    page.get_by_role("button", name="Start a matching session").click()
    page.wait_for_url("**/matching/#start-form")
