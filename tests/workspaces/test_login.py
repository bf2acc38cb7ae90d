import pytest
from django.test import override_settings

from tests.workspaces.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_anonymous_user_is_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_member_logs_in_and_lands_on_dashboard(client, owner, workspace):
    response = client.post("/accounts/login/", {"username": "olivia", "password": PASSWORD}, follow=True)
    assert response.status_code == 200
    assert f"{workspace.name}: are the feedback loops working?" in response.content.decode()


def test_wrong_password_shows_an_error(client, owner):
    response = client.post("/accounts/login/", {"username": "olivia", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


@override_settings(LOGIN_RATE_LIMIT=3)
def test_login_is_refused_after_too_many_failures(client, owner):
    for _ in range(3):
        client.post("/accounts/login/", {"username": "olivia", "password": "nope"})
    response = client.post("/accounts/login/", {"username": "olivia", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_requires_post_and_logs_out(owner_client):
    assert owner_client.get("/accounts/logout/").status_code == 405
    owner_client.post("/accounts/logout/")
    assert owner_client.get("/").status_code == 302


def test_user_without_workspace_is_told_how_to_get_one(client):
    client.force_login(UserFactory(username="lonely"))
    response = client.get("/")
    assert response.status_code == 403
    assert "create your own workspace" in response.content.decode()
