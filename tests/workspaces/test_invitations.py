"""Owners invite; only the invited user's acceptance makes them a member, and the answer to the
owner never says whether a name exists."""

import re

import pytest

from tests.workspaces.factories import PASSWORD, MembershipFactory, UserFactory
from workspaces.models import AuditEvent, Invitation, Membership

pytestmark = pytest.mark.django_db

SAME_ANSWER = "If that person has an account, they will see the invitation."


def _invite(client, name, role="member"):
    return client.post("/workspaces/members/", {"username": name, "role": role}, HTTP_HX_REQUEST="true")


def _comparable(page, name):
    """The answer with the name typed and the per-response CSRF mask taken out."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page).replace(name, "X")


def test_inviting_an_existing_user_does_not_make_them_a_member(owner_client, workspace):
    bob = UserFactory(username="bob")
    response = _invite(owner_client, "bob")
    assert SAME_ANSWER in response.content.decode()
    assert not Membership.objects.filter(workspace=workspace, user=bob).exists()


def test_the_answer_is_the_same_whether_or_not_the_name_exists(owner_client, workspace):
    UserFactory(username="bob")
    existing = _invite(owner_client, "bob").content.decode()
    Invitation.objects.all().delete()  # each answer from the same starting point
    missing = _invite(owner_client, "nobody-by-this-name").content.decode()
    assert SAME_ANSWER in existing and SAME_ANSWER in missing
    assert _comparable(existing, "bob") == _comparable(missing, "nobody-by-this-name")


def test_invited_user_sees_the_invitation_after_login(owner_client, owner, workspace, client):
    UserFactory(username="bob")
    _invite(owner_client, "bob", role="viewer")
    response = client.post("/accounts/login/", {"username": "bob", "password": PASSWORD}, follow=True)
    page = response.content.decode()
    assert "olivia invited you to <strong>Acme Sales</strong> as viewer" in page


def test_invitation_by_email_reaches_the_account(owner_client, workspace):
    bob = UserFactory(username="bob", email="bob@example.org")
    _invite(owner_client, "BOB@example.org")
    assert Invitation.objects.get(workspace=workspace).user == bob


def test_accepting_makes_a_membership_with_the_invited_role(owner_client, workspace, client):
    bob = UserFactory(username="bob")
    _invite(owner_client, "bob", role="viewer")
    invitation = Invitation.objects.get(workspace=workspace)
    client.force_login(bob)
    response = client.post(
        "/workspaces/invitations/respond/",
        {"invitation_id": str(invitation.id), "answer": "accept"},
        follow=True,
    )
    assert Membership.objects.get(workspace=workspace, user=bob).role == "viewer"
    assert "You joined Acme Sales as viewer." in response.content.decode()
    assert AuditEvent.objects.filter(workspace=workspace, action="member.joined").exists()


def test_declining_makes_no_membership_and_hides_the_invitation(owner_client, workspace, client):
    bob = UserFactory(username="bob")
    MembershipFactory(user=bob, role="owner")  # bob has a workspace of his own
    _invite(owner_client, "bob")
    invitation = Invitation.objects.get(workspace=workspace)
    client.force_login(bob)
    client.post(
        "/workspaces/invitations/respond/", {"invitation_id": str(invitation.id), "answer": "decline"}
    )
    assert not Membership.objects.filter(workspace=workspace, user=bob).exists()
    assert "invited you to" not in client.get("/").content.decode()


def test_one_cannot_accept_an_invitation_made_for_someone_else(owner_client, workspace, client):
    UserFactory(username="bob")
    mallory = UserFactory(username="mallory")
    _invite(owner_client, "bob")
    invitation = Invitation.objects.get(workspace=workspace)
    client.force_login(mallory)
    response = client.post(
        "/workspaces/invitations/respond/", {"invitation_id": str(invitation.id), "answer": "accept"}
    )
    assert response.status_code == 404
    assert not Membership.objects.filter(workspace=workspace, user=mallory).exists()


def test_user_without_a_workspace_can_accept_from_the_no_workspace_page(owner_client, workspace, client):
    bob = UserFactory(username="bob")
    _invite(owner_client, "bob")
    client.force_login(bob)
    page = client.get("/").content.decode()
    assert "You are not in a workspace yet" in page and "invited you to" in page


def test_owner_changes_a_listed_members_role_directly(owner_client, workspace, teammate):
    response = _invite(owner_client, "tom", role="viewer")
    assert "tom is now viewer." in response.content.decode()
    assert Membership.objects.get(workspace=workspace, user=teammate).role == "viewer"


def test_the_last_owner_cannot_be_demoted(owner_client, workspace, owner):
    response = _invite(owner_client, "olivia", role="member")
    assert "last owner stays an owner" in response.content.decode()
    assert Membership.objects.get(workspace=workspace, user=owner).role == "owner"


def test_members_cannot_invite(teammate_client, workspace):
    UserFactory(username="bob")
    response = _invite(teammate_client, "bob")
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_owner_sees_pending_invitations_alike_for_existing_and_missing_names(owner_client):
    UserFactory(username="bob")
    _invite(owner_client, "bob")
    _invite(owner_client, "ghost")
    page = owner_client.get("/workspaces/settings/").content.decode()
    assert "<td>bob</td><td>Member</td>" in page and "<td>ghost</td><td>Member</td>" in page
