"""Forms that lead to another page tell htmx so with HX-Redirect: a plain 302 would be followed
inside the request and the next page, site header and all, swapped into the form."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.matching.factories import provider_workspace

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
ROOT = Path(settings.BASE_DIR)
APPS = ("leads", "content", "matching", "feedback", "workspaces", "analytics")


def _matching_start(workspace):
    provider_workspace(workspace)
    return "matching:start", [], {"customer_ref": "erin", "complexity": "medium"}


def _provider_add(workspace):
    provider_workspace(workspace)
    return "matching:provider_add", [], {"name": "Harbour Charters", "active": "on"}


def _agent_create(workspace):
    return "leads:agent_create", [], {"name": "Scout", "source": "http", "description": ""}


def _entry_create(workspace):
    return (
        "feedback:entry_create",
        [],
        {"prompt": "Summarise", "output": "A summary", "rating": "4", "thumbs": "up"},
    )


def _switch_workspace(workspace):
    return "workspaces:switch", [], {"workspace_id": str(workspace.id), "next": "/leads/"}


def _create_workspace(workspace):
    return "workspaces:create", [], {"name": "Second team", "timezone": "UTC"}


# Each successful POST here ends on another page.
REDIRECTING_FORMS = {
    "matching:start": _matching_start,
    "matching:provider_add": _provider_add,
    "leads:agent_create": _agent_create,
    "feedback:entry_create": _entry_create,
    "workspaces:switch": _switch_workspace,
    "workspaces:create": _create_workspace,
}

# Redirecting forms whose success needs a trained model registry: tests/leads/test_champion_wording.py.
REDIRECTING_FORMS_TESTED_ELSEWHERE = {"leads:model_make_champion"}

# htmx forms whose success answers a fragment of the same page (tested in their own modules).
FRAGMENT_FORMS = {
    "matching:compare",
    "matching:expand",
    "matching:contact",
    "matching:choose",
    "matching:rate",
    "workspaces:request_heartbeat",
    "workspaces:revoke_token",
    "workspaces:create_token",
    "workspaces:add_member",
    "feedback:entry_rate",
    "content:run_now",
    "leads:scoring_retrain",
    "leads:import_confirm",
    "leads:lead_feedback",
    "leads:lead_outcome",
    "leads:lead_score_now",
    "leads:call_list_outcome",
}


@pytest.mark.parametrize("name", sorted(REDIRECTING_FORMS))
def test_successful_htmx_post_answers_a_client_redirect(name, owner_client, workspace):
    url_name, args, data = REDIRECTING_FORMS[name](workspace)
    response = owner_client.post(reverse(url_name, args=args), data, **HTMX)
    body = response.content.decode()
    assert response.status_code == 200, body[:500]
    assert response.has_header("HX-Redirect") or response.has_header("HX-Location")
    assert "<html" not in body
    assert "site-header" not in body


@pytest.mark.parametrize("name", sorted(REDIRECTING_FORMS))
def test_successful_plain_post_still_redirects(name, owner_client, workspace):
    url_name, args, data = REDIRECTING_FORMS[name](workspace)
    response = owner_client.post(reverse(url_name, args=args), data)
    assert response.status_code == 302
    assert not response.has_header("HX-Redirect")


def _hx_post_url_names():
    names = set()
    for template in (ROOT / "templates").rglob("*.html"):
        for match in re.finditer(r"hx-post=\"\{% url '([\w:]+)'", template.read_text()):
            names.add(match.group(1))
    return names


def test_every_htmx_form_is_known_to_redirect_by_htmx_or_answer_a_fragment():
    known = set(REDIRECTING_FORMS) | REDIRECTING_FORMS_TESTED_ELSEWHERE | FRAGMENT_FORMS
    unknown = _hx_post_url_names() - known
    assert not unknown, f"classify these hx-post forms here and test them: {sorted(unknown)}"


def _redirect_calls(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id in ("redirect", "HttpResponseRedirect"):
                yield node.lineno


def test_views_redirect_through_the_htmx_aware_helper():
    # The one plain redirect left sends a logged-out visitor (a GET) to the login page.
    allowed = {("workspaces/views.py", "settings.LOGIN_URL")}
    found = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "views" not in path.name and path.parent.name != "views":
                continue
            lines = path.read_text().splitlines()
            for lineno in _redirect_calls(path):
                rel = str(path.relative_to(ROOT))
                if not any(rel == f and text in lines[lineno - 1] for f, text in allowed):
                    found.append(f"{rel}:{lineno}")
    assert not found, f"use workspaces.htmx.redirect_after_post: {found}"
