"""In a real browser: the dashboard's trend charts render and the period selector changes the figures."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser import login
from tests.leads.factories import ExecutionFactory
from tests.workspaces.factories import MembershipFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_charts_render_and_period_selector_changes_figures(browser_page, live_server, workspace):
    membership = MembershipFactory(workspace=workspace, role="owner")
    for days_ago, generated in ((1, 11), (20, 40)):
        ExecutionFactory(
            recipe__workspace=workspace,
            recipe__agent__workspace=workspace,
            leads_generated=generated,
            created_at=timezone.now() - timedelta(days=days_ago),
        )
    page = browser_page
    login(page, live_server, membership.user)

    card = page.locator('[data-figure="leads_generated"]')
    assert card.locator("[data-value]").inner_text() == "51"
    page.wait_for_selector('[data-figure="leads_generated"] canvas[data-chart-drawn="true"]')
    # Only the two figures of the recipe runs have data; the others draw no empty chart.
    page.wait_for_selector('[data-figure="leads_kept"] canvas[data-chart-drawn="true"]')
    assert page.locator("canvas[data-chart-drawn='true']").count() == 2
    assert page.locator('[data-figure="useful_rate"] canvas').count() == 0

    page.get_by_role("combobox", name="Period").select_option("7")
    page.wait_for_url("**/?days=7")
    page.wait_for_function(
        "document.querySelector('[data-figure=\"leads_generated\"] [data-value]').textContent.trim() === '11'"
    )
    # The charts are drawn again in the swapped fragment.
    page.wait_for_selector('[data-figure="leads_generated"] canvas[data-chart-drawn="true"]')
