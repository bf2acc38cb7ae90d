"""A token can do no more than its creator can do now; members manage only their own tokens;
viewers change nothing, not even by starting a worker check."""

import pytest

from leads.models import Agent
from tests.workspaces.factories import ApiTokenFactory
from workspaces.models import ApiToken, Membership, WorkerHeartbeat

pytestmark = pytest.mark.django_db


def _make_token(client, name="CRM", can_write=True):
    data = {"name": name, "can_write": "on"} if can_write else {"name": name}
    page = client.post("/workspaces/tokens/", data).content.decode()
    raw = page.split("<code data-new-token>")[1].split("</code>")[0]
    return ApiToken.objects.get(name=name), {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _create_agent(client, headers):
    return client.post(
        "/api/v1/agents", {"name": "Scraper", "source": "demo"}, content_type="application/json", **headers
    )


def test_a_members_write_token_writes(teammate_client, client, workspace):
    _, headers = _make_token(teammate_client)
    assert _create_agent(client, headers).status_code == 201
    assert Agent.objects.for_workspace(workspace).filter(name="Scraper").exists()


def test_token_of_a_creator_demoted_to_viewer_can_only_read(teammate_client, teammate, client, workspace):
    _, headers = _make_token(teammate_client)
    Membership.objects.filter(workspace=workspace, user=teammate).update(role="viewer")
    response = _create_agent(client, headers)
    assert response.status_code == 403
    assert "can no longer write" in response.json()["detail"]
    assert not Agent.objects.for_workspace(workspace).exists()
    read = client.get("/api/v1/workspace", **headers)
    assert read.status_code == 200 and read.json()["token_can_write"] is False


def test_token_writes_again_when_its_creator_is_a_member_again(teammate_client, teammate, client, workspace):
    _, headers = _make_token(teammate_client)
    Membership.objects.filter(workspace=workspace, user=teammate).update(role="viewer")
    assert _create_agent(client, headers).status_code == 403
    Membership.objects.filter(workspace=workspace, user=teammate).update(role="member")
    assert _create_agent(client, headers).status_code == 201


def test_token_of_a_creator_removed_from_the_workspace_opens_nothing(
    teammate_client, teammate, client, workspace
):
    _, headers = _make_token(teammate_client)
    Membership.objects.filter(workspace=workspace, user=teammate).delete()
    assert client.get("/api/v1/workspace", **headers).status_code == 401
    assert _create_agent(client, headers).status_code == 401


def test_token_of_a_deactivated_creator_opens_nothing(teammate_client, teammate, client):
    _, headers = _make_token(teammate_client)
    teammate.is_active = False
    teammate.save(update_fields=["is_active"])
    assert client.get("/api/v1/workspace", **headers).status_code == 401


def test_deleting_a_user_revokes_their_tokens(teammate_client, teammate, client):
    token, headers = _make_token(teammate_client)
    teammate.delete()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client.get("/api/v1/workspace", **headers).status_code == 401


def test_a_read_only_token_of_an_owner_stays_read_only(owner_client, client):
    _, headers = _make_token(owner_client, can_write=False)
    assert _create_agent(client, headers).status_code == 403


def test_member_cannot_revoke_an_owners_token(owner_client, teammate_client):
    token, _ = _make_token(owner_client, name="Owner's sync")
    response = teammate_client.post(f"/workspaces/tokens/{token.id}/revoke/")
    assert response.status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None


def test_member_cannot_revoke_a_token_nobody_made(teammate_client, workspace):
    token = ApiTokenFactory(workspace=workspace)
    assert teammate_client.post(f"/workspaces/tokens/{token.id}/revoke/").status_code == 403


def test_member_revokes_their_own_token(teammate_client):
    token, _ = _make_token(teammate_client)
    teammate_client.post(f"/workspaces/tokens/{token.id}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_owner_revokes_a_members_token(owner_client, teammate_client):
    token, _ = _make_token(teammate_client)
    owner_client.post(f"/workspaces/tokens/{token.id}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_member_sees_revoke_only_on_their_own_tokens(owner_client, teammate_client):
    owners, _ = _make_token(owner_client, name="Owner's sync")
    own, _ = _make_token(teammate_client, name="Tom's sync")
    page = teammate_client.get("/workspaces/settings/").content.decode()
    assert f"/workspaces/tokens/{own.id}/revoke/" in page
    assert f"/workspaces/tokens/{owners.id}/revoke/" not in page


def test_token_page_states_who_may_make_and_revoke_tokens(teammate_client):
    page = teammate_client.get("/workspaces/settings/").content.decode()
    assert "Owners and members can create tokens" in page
    assert "A token never does more than the person who made it can do now" in page


def test_viewer_cannot_run_the_worker_check(viewer_client, workspace):
    response = viewer_client.post("/workspaces/worker-check/")
    assert response.status_code == 403
    assert not WorkerHeartbeat.objects.for_workspace(workspace).exists()


def test_viewer_is_not_offered_the_worker_check(viewer_client):
    page = viewer_client.get("/workspaces/settings/").content.decode()
    assert "Check the worker" not in page
