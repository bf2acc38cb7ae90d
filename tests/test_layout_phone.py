"""At phone width (390 x 844) no page is wider than the screen, the menu folds behind a button,
tables scroll in their own box, and the workspace name is shown whole (on a desktop too)."""

import pytest

from matching.services import sessions as services
from tests.browser import login
from tests.leads.factories import AgentFactory, ExecutionFactory, KeptLeadFactory, RecipeFactory
from tests.matching.factories import provider_workspace
from tests.workspaces.factories import MembershipFactory, WorkspaceFactory
from workspaces.models import Workspace

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/",
    "/leads/",
    "/leads/agents/",
    "/leads/scoring/",
    "/content/",
    "/content/upload/",
    "/content/write/",
    "/leads/import/",
    "/matching/",
    "/matching/analytics/",
    "/matching/providers/",
    "/feedback/",
    "/feedback/analysis/",
    "/feedback/reports/",
    "/workspaces/settings/",
]
WORKSPACE_NAME = "Northwind Regional Sales"

# The selected workspace name fits inside its select (the text, not the box, is what gets cut).
NAME_FITS = """() => {
  const s = document.getElementById('workspace-switch');
  const cs = getComputedStyle(s);
  const ctx = document.createElement('canvas').getContext('2d');
  ctx.font = cs.font;
  const text = ctx.measureText(s.options[s.selectedIndex].text).width;
  const room = s.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
  return {text: text, room: room, visible: s.offsetParent !== null};
}"""


@pytest.fixture
def member(db):
    workspace = WorkspaceFactory(name=WORKSPACE_NAME)
    membership = MembershipFactory(workspace=workspace, role="owner")
    MembershipFactory(workspace=WorkspaceFactory(name="Second team"), user=membership.user, role="member")
    execution = ExecutionFactory(recipe=RecipeFactory(agent=AgentFactory(workspace=workspace)))
    for i in range(3):
        KeptLeadFactory(execution=execution, name=f"Lead with a rather long name {i}", rank=i + 1)
    provider_workspace(workspace, n_candidates=6)
    return membership.user


def _page(chromium, live_server, user, width, height):
    context = chromium.new_context(base_url=live_server.url, viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(15000)
    login(page, live_server, user)
    return context, page


def test_no_page_is_wider_than_a_phone(_chromium, live_server, member):
    context, page = _page(_chromium, live_server, member, 390, 844)
    try:
        too_wide = {}
        for path in PAGES:
            page.goto(live_server.url + path)
            page.wait_for_load_state("load")
            widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            if widths[0] > widths[1]:
                too_wide[path] = widths
        assert too_wide == {}
    finally:
        context.close()


def test_tables_scroll_inside_their_own_box_on_a_phone(_chromium, live_server, member):
    context, page = _page(_chromium, live_server, member, 390, 844)
    try:
        page.goto(live_server.url + "/matching/analytics/")
        boxes = page.evaluate(
            """() => Array.from(document.querySelectorAll('main table')).map(t => {
                 const box = t.closest('.table-scroll') || t;
                 return [box.clientWidth <= innerWidth, getComputedStyle(box).overflowX];
               })"""
        )
        assert boxes, "the page has tables"
        assert all(fits and overflow == "auto" for fits, overflow in boxes)
    finally:
        context.close()


def test_menu_is_folded_behind_a_button_that_opens_it(_chromium, live_server, member):
    context, page = _page(_chromium, live_server, member, 390, 844)
    try:
        page.goto(live_server.url + "/leads/")
        menu_button = page.get_by_role("button", name="Menu")
        assert menu_button.is_visible()
        assert menu_button.get_attribute("aria-expanded") == "false"
        dashboard = page.locator("header").get_by_role("link", name="Dashboard")
        assert not dashboard.is_visible()

        menu_button.click()
        assert menu_button.get_attribute("aria-expanded") == "true"
        assert dashboard.is_visible()
        assert page.get_by_label("Workspace").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
        fits = page.evaluate(NAME_FITS)
        assert fits["text"] <= fits["room"], fits

        menu_button.click()
        assert not dashboard.is_visible()
    finally:
        context.close()


def test_workspace_name_is_shown_whole_on_a_desktop(_chromium, live_server, member):
    context, page = _page(_chromium, live_server, member, 1366, 900)
    try:
        page.goto(live_server.url + "/leads/")
        assert not page.get_by_role("button", name="Menu").is_visible()
        fits = page.evaluate(NAME_FITS)
        assert fits["visible"] and fits["text"] <= fits["room"], fits
    finally:
        context.close()


def test_charts_shrink_to_a_phone(_chromium, live_server, member):
    workspace = Workspace.objects.get(name=WORKSPACE_NAME)
    for _ in range(3):
        session = services.start_session(workspace, stated_preferences={"price": 5})
        services.record_choice(
            workspace, session, candidate_id=session.recommendations.get(rank=1).candidate_id
        )
    context, page = _page(_chromium, live_server, member, 390, 844)
    try:
        page.goto(live_server.url + "/matching/analytics/")
        page.wait_for_selector("canvas[data-chart-drawn]")
        widths = page.evaluate(
            "Array.from(document.querySelectorAll('canvas[data-chart]')).map(c => c.getBoundingClientRect().right)"
        )
        assert widths and max(widths) <= 390
    finally:
        context.close()
