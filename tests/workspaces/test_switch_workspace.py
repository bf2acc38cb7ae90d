import pytest

from tests.workspaces.factories import MembershipFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db


def test_member_switches_to_another_of_their_workspaces(owner, owner_client):
    second = WorkspaceFactory(name="Second Team")
    MembershipFactory(workspace=second, user=owner, role="viewer")
    response = owner_client.post(
        "/workspaces/switch/", {"workspace_id": str(second.id), "next": "/"}, follow=True
    )
    page = response.content.decode()
    assert "Second Team: are the feedback loops working?" in page
    assert "You are a viewer in Second Team" in page


def test_switching_to_a_workspace_one_is_not_member_of_is_404(owner_client, other_workspace):
    response = owner_client.post("/workspaces/switch/", {"workspace_id": str(other_workspace.id)})
    assert response.status_code == 404


def test_switch_refuses_offsite_next_url(owner, owner_client, workspace):
    response = owner_client.post(
        "/workspaces/switch/", {"workspace_id": str(workspace.id), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_new_workspace_makes_creator_owner(owner_client, owner):
    response = owner_client.post(
        "/workspaces/new/", {"name": "Field Sales", "timezone": "Europe/Paris"}, follow=True
    )
    assert response.status_code == 200
    assert owner.memberships.get(workspace__name="Field Sales").role == "owner"
