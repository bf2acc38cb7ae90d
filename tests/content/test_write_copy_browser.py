"""In the browser: similar winning copy appears while the writer types."""

import pytest

from tests.browser import login
from tests.content.factories import BrandFactory, PostFactory, WinningCopyFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_similar_winners_appear_as_the_writer_types(browser_page, live_server, workspace, teammate):
    brand = BrandFactory(workspace=workspace, name="Trailhead")
    for text in ("Summer sale on trail running shoes, 30% off", "Ultralight tent with free returns"):
        WinningCopyFactory(post=PostFactory(workspace=workspace, experiment__brand=brand, text=text))
    page = browser_page
    login(page, live_server, teammate)
    page.goto(f"{live_server.url}/content/write/")
    page.get_by_text("Start typing").wait_for()
    page.evaluate("window.__notReloaded = true")
    page.get_by_label("Your draft copy").press_sequentially("running shoes", delay=30)
    first = page.locator(".winner-result").first
    first.wait_for()
    assert "trail running shoes" in first.inner_text()
    assert "CTR 6.00%" in first.inner_text()
    page.get_by_label("Your draft copy").fill("camping tent")
    page.locator(".winner-result").first.filter(has_text="Ultralight tent").wait_for()
    assert page.evaluate("window.__notReloaded") is True
