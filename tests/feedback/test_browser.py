"""In the browser: rating an output with the widget saves it without reloading the page."""

import pytest

from feedback.models import FeedbackEntry
from tests.browser import login
from tests.feedback.factories import FeedbackEntryFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_rating_an_output_saves_without_a_reload(browser_page, live_server, workspace, teammate):
    entry = FeedbackEntryFactory(workspace=workspace, rating=5, thumbs=0, prompt="Explain qubits")
    page = browser_page
    login(page, live_server, teammate)
    page.goto(f"{live_server.url}/feedback/entries/{entry.pk}/")
    page.evaluate("window.__notReloaded = true")
    page.get_by_role("button", name="Rate 2 of 5").click()
    page.get_by_text("saved").wait_for()
    assert page.locator("[data-rating]").inner_text() == "2"
    page.get_by_role("button", name="Thumbs down", exact=True).click()
    page.locator(".rating-status", has_text="Thumbs down").wait_for()
    assert page.evaluate("window.__notReloaded") is True
    entry = FeedbackEntry.objects.get(pk=entry.pk)
    assert (entry.rating, entry.thumbs) == (2, -1)
