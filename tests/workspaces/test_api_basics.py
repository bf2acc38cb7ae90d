import pytest

pytestmark = pytest.mark.django_db


def test_openapi_schema_is_served(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Feedback loops API"
    assert "/api/v1/workspace" in schema["paths"]


def test_docs_page_is_served_without_a_cdn(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert "cdn." not in response.content.decode()


def test_health_needs_no_token(client):
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_oversized_body_is_refused_with_413(api_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api_client.post("/api/v1/workspace", data="x" * 5000, content_type="application/json")
    assert response.status_code == 413
    assert "too large" in response.json()["detail"]


def test_unknown_api_route_is_json_404(api_client):
    response = api_client.get("/api/v1/no-such-thing")
    assert response.status_code == 404


def test_pages_carry_a_content_security_policy_without_inline_scripts(owner_client):
    response = owner_client.get("/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "<script>" not in response.content.decode()
