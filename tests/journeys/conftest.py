"""One demo stack for the journeys; a logged-in Chromium page per role and screen size."""

import pytest

from tests.journeys.checks import PageWatch
from tests.journeys.stack import DEMO_USER, VIEWER_USER, DemoStack

VIEWPORTS = {"laptop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
USERS = {"demo": DEMO_USER, "viewer": VIEWER_USER}


@pytest.fixture(scope="package")  # stopped after the journeys, not kept for the rest of the run
def demo_stack():
    stack = DemoStack().start()
    yield stack
    stack.stop()


def log_in(page, stack, who):
    username, password = USERS[who]
    page.goto(f"{stack.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{stack.url}/")


@pytest.fixture
def journey(request, _chromium, demo_stack):
    """(page, watch) logged in as the parametrised user at the parametrised screen size."""
    who, screen = request.param
    context = _chromium.new_context(base_url=demo_stack.url, viewport=VIEWPORTS[screen])
    page = context.new_page()
    page.set_default_timeout(20000)
    watch = PageWatch(page)
    log_in(page, demo_stack, who)
    yield page, watch
    context.close()


def each(*whos):
    """Parametrise `journey` over the given users at both screen sizes."""
    params = [(who, screen) for who in whos for screen in VIEWPORTS]
    return pytest.mark.parametrize("journey", params, indirect=True, ids=[f"{w}-{s}" for w, s in params])
