"""In the browser: from the latest decisions to an experiment's verdict and its recommended split."""

import re

import pytest

from content.services.winner_job import run_winner_job
from tests.browser import login
from tests.content.factories import experiment_with_variants


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_manager_opens_a_running_experiment_and_sees_the_split_chart(
    browser_page, live_server, workspace, teammate
):
    experiment_with_variants(workspace, {"A": (3000, 150), "B": (3000, 175)}, name="summer-headline")
    run_winner_job(workspace)
    page = browser_page
    login(page, live_server, teammate)
    page.goto(f"{live_server.url}/content/")
    page.get_by_role("link", name="summer-headline").click()
    page.get_by_role("heading", name="Still running: no winner yet").wait_for()
    shares = re.fullmatch(r"Recommended now: A (\d+)% · B (\d+)%", page.locator("#split-shares").inner_text())
    assert shares, "the split is stated in words"
    a, b = int(shares[1]), int(shares[2])
    assert b > a >= 10 and a + b in (99, 100, 101)  # the leader gets more, the floor holds; rounded
    canvas = page.locator("canvas[data-chart='split-chart']")
    canvas.wait_for()
    assert canvas.bounding_box()["height"] > 50  # drawn, not an empty box
