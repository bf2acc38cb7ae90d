"""Helpers for browser tests."""

from tests.workspaces.factories import PASSWORD


def login(page, live_server, user, password=PASSWORD):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")
