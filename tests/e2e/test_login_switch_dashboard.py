"""In a real browser: log in, switch workspace, see the dashboard."""

import pytest

from tests.browser import login
from tests.workspaces.factories import MembershipFactory, WorkspaceFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_log_in_switch_workspace_and_see_dashboard(browser_page, live_server):
    first = WorkspaceFactory(name="Acme Sales")
    second = WorkspaceFactory(name="Globex Marketing")
    membership = MembershipFactory(workspace=first, role="owner")
    MembershipFactory(workspace=second, user=membership.user, role="member")

    page = browser_page
    login(page, live_server, membership.user)
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == "Acme Sales: are the feedback loops working?"

    page.get_by_label("Workspace").select_option(label="Globex Marketing")
    page.wait_for_selector("text=Switched to Globex Marketing.")
    assert (
        page.get_by_role("heading", level=1).inner_text()
        == "Globex Marketing: are the feedback loops working?"
    )
    assert page.get_by_role("link", name="Leads", exact=True).is_visible()
