"""A new session starts in the workspace the user chose last, never one someone else picked."""

import pytest

from leads.models import Agent
from tests.workspaces.factories import PASSWORD, MembershipFactory, UserFactory, WorkspaceFactory
from workspaces.models import Invitation

pytestmark = pytest.mark.django_db


def _login(client, username):
    return client.post("/accounts/login/", {"username": username, "password": PASSWORD}, follow=True)


def _landed_in(response):
    return response.context["current_workspace"].name


@pytest.fixture
def bob(db):
    user = UserFactory(username="bob")
    MembershipFactory(workspace=WorkspaceFactory(name="Zeta Sales"), user=user, role="owner")
    return user


def test_being_added_to_a_workspace_first_by_name_does_not_move_ones_login(bob, client):
    """Even a membership made without an invitation (the admin, a command) changes nothing."""
    MembershipFactory(workspace=WorkspaceFactory(name="Aardvark Ltd"), user=bob, role="owner")
    assert _landed_in(_login(client, "bob")) == "Zeta Sales"


def test_login_lands_in_the_workspace_chosen_last(bob, client):
    second = WorkspaceFactory(name="Alpha Team")
    MembershipFactory(workspace=second, user=bob, role="member")
    _login(client, "bob")
    client.post("/workspaces/switch/", {"workspace_id": str(second.id)})
    client.post("/accounts/logout/")
    assert _landed_in(_login(client, "bob")) == "Alpha Team"


def test_an_invitation_not_yet_accepted_does_not_move_ones_login(bob, client, owner_client):
    owner_client.post("/workspaces/members/", {"username": "bob", "role": "member"})
    response = _login(client, "bob")
    assert _landed_in(response) == "Zeta Sales"
    assert "invited you to" in response.content.decode()


def test_accepting_an_invitation_is_a_choice_that_login_remembers(bob, client, owner_client, workspace):
    owner_client.post("/workspaces/members/", {"username": "bob", "role": "member"})
    invitation = Invitation.objects.get(workspace=workspace)
    _login(client, "bob")
    client.post("/workspaces/invitations/respond/", {"invitation_id": str(invitation.id), "answer": "accept"})
    assert _landed_in(client.get("/")) == "Acme Sales"
    client.post("/accounts/logout/")
    assert _landed_in(_login(client, "bob")) == "Acme Sales"


def test_what_one_creates_after_login_goes_to_ones_own_workspace(bob, client):
    aardvark = WorkspaceFactory(name="Aardvark Ltd")
    MembershipFactory(workspace=aardvark, user=bob, role="owner")
    _login(client, "bob")
    client.post("/leads/agents/new/", {"name": "Bob's scraper", "source": "demo", "description": ""})
    agent = Agent.objects.get(name="Bob's scraper")
    assert agent.workspace.name == "Zeta Sales"


def test_creating_a_workspace_is_a_choice_that_login_remembers(bob, client):
    _login(client, "bob")
    client.post("/workspaces/new/", {"name": "Aaa New", "timezone": "UTC"})
    client.post("/accounts/logout/")
    assert _landed_in(_login(client, "bob")) == "Aaa New"
