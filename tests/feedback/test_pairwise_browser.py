"""In the browser: from a suggested pair on the board to a stored judgment and back to the board."""

import pytest

from feedback.models import PairwiseJudgment
from feedback.services.pairwise import capture_judgments
from tests.browser import login


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_judging_a_suggested_pair_moves_the_board(browser_page, live_server, workspace, teammate):
    base = {"prompt": "Summarise", "left_output": "A", "right_output": "B", "verdict": "a"}
    capture_judgments(workspace, [{**base, "left_variant": "v1", "right_variant": "v2"}] * 3)
    page = browser_page
    login(page, live_server, teammate)
    page.goto(f"{live_server.url}/feedback/pairwise/")
    assert "3 judgments" in page.content()
    page.get_by_role("link", name="Judge this pair").first.click()
    assert page.get_by_label("Prompt variant of A").input_value() == "v1"
    page.get_by_label("Prompt", exact=True).fill("Write a tagline")
    page.get_by_label("Text of output A").fill("Spring into savings!")
    page.get_by_label("Text of output B").fill("Buy now.")
    page.get_by_role("button", name="B is better").click()
    page.get_by_text("Judgment saved: B (right) is better.").wait_for()
    assert page.get_by_label("Prompt variant of B").input_value() == "v2"  # kept for the next pair
    assert PairwiseJudgment.objects.filter(verdict="b", right_variant="v2").count() == 1
    page.goto(f"{live_server.url}/feedback/pairwise/")
    assert "4 judgments" in page.content()
