"""Security settings and records: login rate limiting, production cookies and HSTS, API tokens
hashed and shown once, and the audit log of who changed preferences, models and tokens."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from leads.models import ScoringSettings
from leads.services.scoring.retraining import retrain
from tests.leads.training_data import make_leads_with_outcomes
from tests.workspaces.factories import PASSWORD
from workspaces.models import ApiToken, AuditEvent, hash_token

PROJECT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


# --- login rate limiting --------------------------------------------------------------------


@override_settings(LOGIN_RATE_LIMIT=3)
def test_login_lockout_holds_against_the_right_password_and_any_spelling_of_the_name(client, owner):
    for spelling in ("olivia", "OLIVIA", " Olivia "):
        client.post("/accounts/login/", {"username": spelling, "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "olivia", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@override_settings(LOGIN_RATE_LIMIT=3)
def test_lockout_of_one_address_leaves_another_address_free(client, owner):
    for _ in range(3):
        client.post("/accounts/login/", {"username": "olivia", "password": "wrong"}, REMOTE_ADDR="10.0.0.1")
    response = client.post(
        "/accounts/login/", {"username": "olivia", "password": PASSWORD}, REMOTE_ADDR="10.0.0.2"
    )
    assert response.status_code == 302


@override_settings(LOGIN_RATE_LIMIT=3, LOGIN_RATE_LIMIT_PER_IP=5)
def test_one_address_trying_many_names_is_locked_out(client, owner):
    """Password spraying: one password against many names never trips the per-name limit."""
    for n in range(5):
        client.post("/accounts/login/", {"username": f"someone{n}", "password": "Summer2026!"})
    response = client.post("/accounts/login/", {"username": "olivia", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


# --- production settings --------------------------------------------------------------------

PRODUCTION_PROBE = """
import json
import django
django.setup()
from django.conf import settings
from django.test import Client, override_settings

# Production serves hashed static names from collectstatic's manifest; this probe has none.
plain_static = {**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
client = Client()
with override_settings(STORAGES=plain_static):
    page = client.get("/accounts/login/", secure=True)
    plain = client.get("/accounts/login/")
csrf = page.cookies.get("csrftoken")
print(json.dumps({
    "hsts": page.get("Strict-Transport-Security", ""),
    "csp": page.get("Content-Security-Policy", ""),
    "frame": page.get("X-Frame-Options", ""),
    "nosniff": page.get("X-Content-Type-Options", ""),
    "plain_status": plain.status_code,
    "plain_location": plain.get("Location", ""),
    "csrf_cookie_secure": bool(csrf and csrf["secure"]),
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
    "session_cookie_httponly": settings.SESSION_COOKIE_HTTPONLY,
    "csrf_cookie_secure_setting": settings.CSRF_COOKIE_SECURE,
    "debug": settings.DEBUG,
}))
"""


def test_production_settings_send_secure_cookies_hsts_and_redirect_to_https(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"TESTING", "DEBUG", "SECURE_SSL_REDIRECT", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        DEBUG="0",
        DJANGO_SETTINGS_MODULE="config.settings",
        SECRET_KEY="a-production-secret-key-" + "k3y" * 20,
        ALLOWED_HOSTS="testserver",
        VAR_DIR=str(tmp_path),
        SQLITE_PATH=str(tmp_path / "prod.sqlite3"),
    )
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_PROBE],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["debug"] is False
    assert "max-age=31536000" in seen["hsts"] and "includeSubDomains" in seen["hsts"]
    assert "script-src 'self'" in seen["csp"]
    assert seen["frame"] == "DENY" and seen["nosniff"] == "nosniff"
    assert seen["plain_status"] == 301 and seen["plain_location"].startswith("https://")
    assert seen["csrf_cookie_secure"] and seen["csrf_cookie_secure_setting"]
    assert seen["session_cookie_secure"] and seen["session_cookie_httponly"]


# --- API tokens -----------------------------------------------------------------------------


def test_token_is_stored_hashed_shown_once_and_works_until_revoked(owner_client, workspace, owner):
    response = owner_client.post("/workspaces/tokens/", {"name": "CRM sync", "can_write": "on"})
    assert response.status_code == 200
    token = ApiToken.objects.get(workspace=workspace, name="CRM sync")
    page = response.content.decode()
    raw = next(
        word
        for word in page.replace('"', " ").replace("<", " ").replace(">", " ").split()
        if word.startswith(f"fl_{token.prefix}_")
    )

    # Stored as its SHA-256 only: the raw value is in no column of the row.
    assert token.token_hash == hash_token(raw)
    assert raw not in json.dumps(list(ApiToken.objects.filter(pk=token.pk).values()), default=str)
    # Shown once: the settings page never shows it again.
    assert raw not in owner_client.get("/workspaces/settings/").content.decode()

    api = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert owner_client.get("/api/v1/workspace", **api).status_code == 200
    owner_client.post(f"/workspaces/tokens/{token.id}/revoke/")
    assert owner_client.get("/api/v1/workspace", **api).status_code == 401

    actions = list(
        AuditEvent.objects.filter(workspace=workspace, actor=owner).values_list("action", flat=True)
    )
    assert "token.created" in actions and "token.revoked" in actions


def test_a_wrong_or_malformed_token_is_401(client, workspace):
    for header in ("Bearer nope", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer " + "x" * 5000, "bearer fl_x_y"):
        response = client.get("/api/v1/workspace", HTTP_AUTHORIZATION=header)
        assert response.status_code == 401, header


# --- the audit log --------------------------------------------------------------------------


def test_preference_change_through_the_api_is_audited_with_the_token(api_client, workspace):
    response = api_client.post(
        f"/api/v1/users/{workspace.slug}/preferences",
        data=json.dumps({"preferred_industries": ["Fintech"], "lead_quality_threshold": 0.6}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    event = AuditEvent.objects.get(workspace=workspace, action="leads.preferences_changed")
    assert event.token_id == api_client.token.id
    assert event.actor_label == f"API token {api_client.token.name}"


@pytest.mark.slow
def test_model_promotion_and_rollback_are_audited(owner_client, workspace, owner):
    make_leads_with_outcomes(workspace, 150, seed=2)
    v1 = retrain(workspace)
    make_leads_with_outcomes(workspace, 150, seed=3, start=1000, minutes_ago=5)
    ScoringSettings.objects.filter(workspace=workspace).update(max_champion_age_days=0)
    v2 = retrain(workspace)
    assert v2.decision == "promoted", v2.reason

    promoted = AuditEvent.objects.filter(workspace=workspace, action="scoring.model_promoted")
    assert {event.target for event in promoted} == {v1.label, v2.label}

    response = owner_client.post(f"/leads/scoring/models/{v1.id}/champion/")
    assert response.status_code == 302
    rollback = AuditEvent.objects.get(workspace=workspace, action="scoring.model_rolled_back")
    assert rollback.actor == owner and rollback.target == v1.label
    assert rollback.details.get("previous") == v2.label

    # The workspace settings page shows who did it.
    page = owner_client.get("/workspaces/settings/").content.decode()
    assert "Scoring: model rolled back" in page and owner.username in page
