import pytest

from workspaces.models import ApiToken, AuditEvent, hash_token

pytestmark = pytest.mark.django_db


def test_created_token_is_shown_once_and_stored_hashed(owner_client, workspace):
    response = owner_client.post(
        "/workspaces/tokens/", {"name": "Salesforce", "can_write": "on"}, HTTP_HX_REQUEST="true"
    )
    page = response.content.decode()
    assert '<section id="tokens">' in page and "<html" not in page
    token = ApiToken.objects.get(workspace=workspace, name="Salesforce")
    raw = page.split("<code data-new-token>")[1].split("</code>")[0]
    assert raw.startswith(f"fl_{token.prefix}_")
    assert token.token_hash == hash_token(raw)
    assert raw not in owner_client.get("/workspaces/settings/").content.decode()
    assert AuditEvent.objects.filter(
        workspace=workspace, action="token.created", actor__username="olivia"
    ).exists()


def test_token_authenticates_the_api_for_its_workspace(owner_client, workspace, client):
    page = owner_client.post("/workspaces/tokens/", {"name": "CRM", "can_write": "on"}).content.decode()
    raw = page.split("<code data-new-token>")[1].split("</code>")[0]
    response = client.get("/api/v1/workspace", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert response.json()["slug"] == workspace.slug


def test_revoked_token_is_refused(owner_client, workspace, api_client):
    assert api_client.get("/api/v1/workspace").status_code == 200
    owner_client.post(f"/workspaces/tokens/{api_client.token.id}/revoke/")
    response = api_client.get("/api/v1/workspace")
    assert response.status_code == 401
    assert "API token" in response.json()["detail"]
    assert AuditEvent.objects.filter(action="token.revoked").exists()


def test_api_without_token_is_401(client):
    assert client.get("/api/v1/workspace").status_code == 401
    assert client.get("/api/v1/workspace", HTTP_AUTHORIZATION="Bearer fl_nope").status_code == 401


def test_viewer_cannot_create_tokens(viewer_client, workspace):
    response = viewer_client.post("/workspaces/tokens/", {"name": "sneaky"})
    assert response.status_code == 403
    assert not ApiToken.objects.filter(name="sneaky").exists()


def test_blank_token_name_is_refused_beside_the_field(owner_client):
    response = owner_client.post("/workspaces/tokens/", {"name": ""}, HTTP_HX_REQUEST="true")
    assert "This field is required." in response.content.decode()
