"""Every API body is bounded before any work: content type, nesting, NUL characters, list and
string caps (docs/reliability.md)."""

import html
import json
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver

from leads import agent_network
from leads.models.preferences import PreferenceSet
from leads.services.preferences import MAX_ITEM_LENGTH, MAX_LIST_ITEMS
from leads.sources import SourceError, fetch_from_http_agent
from tests.leads.factories import RecipeFactory
from tests.reliability.test_bad_input import BODY_WRITES, WRITES, _path, _send_raw
from tests.reliability.world import isolated

VALID_SHAPES = {"name": "x", "prompt": "p", "output": "o", "rating": 3}


def _errors(response):
    return json.loads(response.content).get("errors", {})


@pytest.mark.parametrize("label", BODY_WRITES)
def test_json_sent_as_text_plain_is_refused_with_415(label, small):
    status, detail, added = _send_raw(small, label, json.dumps(VALID_SHAPES), "text/plain")
    assert status == 415 and "application/json" in detail, (status, detail)
    assert not added


@pytest.mark.parametrize("label", BODY_WRITES)
@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-32"])
def test_json_in_another_encoding_than_utf8_is_refused_with_415(label, encoding, small):
    body = json.dumps(VALID_SHAPES).encode(encoding)
    status, detail, added = _send_raw(small, label, body, "application/json")
    assert status == 415 and "UTF-8" in detail, (status, detail)
    assert not added


@pytest.mark.parametrize("label", BODY_WRITES[:3])
def test_a_charset_other_than_utf8_is_refused_with_415(label, small):
    status, detail, added = _send_raw(
        small, label, json.dumps(VALID_SHAPES), "application/json; charset=latin-1"
    )
    assert status == 415, (status, detail)
    assert not added


@pytest.mark.parametrize("label", BODY_WRITES)
@pytest.mark.parametrize("depth", [33, 10_000])
def test_json_nested_deeper_than_32_levels_is_refused_with_422(label, depth, small):
    body = '{"a":' * depth + "1" + "}" * depth
    status, detail, added = _send_raw(small, label, body, "application/json")
    assert status == 422, (status, detail)
    assert not added


@pytest.mark.parametrize("label", BODY_WRITES)
def test_a_nul_character_anywhere_in_a_body_is_refused_naming_its_field(label, small):
    operation_body = {**VALID_SHAPES, "notes": ["fine", {"deep": "a\x00b"}]}

    client = small.api_client(small.token_a)
    url = _path(WRITES[label], small.ids_a)

    response = isolated(
        lambda: client.generic(
            WRITES[label].method.upper(),
            url,
            data=json.dumps(operation_body),
            content_type="application/json",
        )
    )
    assert response.status_code == 422, response.content[:300]
    assert "NUL" in _errors(response)["notes.1.deep"][0]


@pytest.mark.parametrize("label", BODY_WRITES)
def test_a_list_of_100000_items_is_refused_with_422(label, small):
    body = json.dumps({**VALID_SHAPES, "tags": list(range(100_000))})
    status, detail, added = _send_raw(small, label, body, "application/json")
    assert status == 422, (status, detail)
    assert not added


@pytest.mark.parametrize("label", BODY_WRITES)
def test_a_string_of_one_megabyte_is_refused_with_422(label, small):
    body = json.dumps({**VALID_SHAPES, "prompt": "x" * 1_000_000})
    status, detail, added = _send_raw(small, label, body, "application/json")
    assert status == 422, (status, detail)
    assert not added


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_literals_are_refused(constant, api_client):
    body = '{"post_id": "p1", "impressions": ' + constant + ', "clicks": 1}'
    response = api_client.post("/api/v1/feedback-loop/metrics/ingest", body, content_type="application/json")
    assert response.status_code == 422
    assert constant.lstrip("-") in json.dumps(_errors(response))


# --- NUL characters in named fields of several routes -------------------------------------------


@pytest.mark.parametrize(
    "url,body,field",
    [
        ("/api/v1/prompt-feedback/entries", {"prompt": "a\x00", "output": "o", "rating": 3}, "prompt"),
        (
            "/api/v1/prompt-feedback/entries",
            {"prompt": "p", "output": "o", "rating": 3, "tags": ["x\x00"]},
            "tags.0",
        ),
        (
            "/api/v1/prompt-feedback/entries",
            {"prompt": "p", "output": "o", "rating": 3, "context": {"k\x00": 1}},
            "context.k",
        ),
        (
            "/api/v1/prompt-feedback/entries/batch",
            {
                "entries": [
                    {"prompt": "p", "output": "o", "rating": 3},
                    {"prompt": "p", "output": "o\x00", "rating": 3},
                ]
            },
            "entries.1.output",
        ),
        (
            "/api/v1/feedback-loop/metrics/ingest",
            {"post_id": "p\x00", "impressions": 1, "clicks": 1},
            "post_id",
        ),
        ("/api/v1/feedback-loop/metrics/ingest/batch", [{"post_id": "p", "brand": "\x00"}], "0.brand"),
        ("/api/v1/feedback-loop/winners/search", {"query_text": "shoes\x00"}, "query_text"),
    ],
    ids=["prompt", "tag", "context-key", "batch-output", "post-id", "batch-brand", "search"],
)
def test_nul_in_a_field_is_refused_with_422_naming_the_field(url, body, field, api_client, workspace):
    response = api_client.post(url, json.dumps(body), content_type="application/json")
    assert response.status_code == 422, response.content[:300]
    assert list(_errors(response)) == [field]


def test_nul_in_preferences_is_refused_naming_the_field(api_client, workspace):
    response = api_client.post(
        f"/api/v1/users/{workspace.slug}/preferences",
        json.dumps({"seniority_levels": ["CEO", "V\x00P"]}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert list(_errors(response)) == ["seniority_levels.1"]
    assert not PreferenceSet.objects.filter(workspace=workspace).exists()


def test_nul_in_a_query_parameter_is_refused_naming_it(api_client):
    response = api_client.get("/api/v1/prompt-feedback/entries", {"tag": "a\x00b"})
    assert response.status_code == 422
    assert list(_errors(response)) == ["tag"]


# --- numbers out of range -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["offset", "limit"])
@pytest.mark.parametrize("value", [str(10**30), "-1", "NaN", "inf", "1e400"])
def test_an_offset_or_limit_out_of_range_is_a_422_naming_it(name, value, api_client):
    response = api_client.get("/api/v1/prompt-feedback/entries", {name: value})
    assert response.status_code == 422, (response.status_code, response.content[:300])
    assert name in _errors(response)


def test_an_offset_past_the_end_is_an_empty_page(api_client):
    response = api_client.get("/api/v1/prompt-feedback/entries", {"offset": 10_000_000})
    assert response.status_code == 200 and response.json() == []


@pytest.mark.parametrize(
    "url,params,field",
    [
        ("/api/v1/analytics/dashboard", {"days": str(10**30)}, "days"),
        ("/api/v1/prompt-feedback/analysis", {"days": str(10**30)}, "days"),
        ("/api/v1/prompt-feedback/suggestions", {"limit": str(10**30)}, "limit"),
    ],
)
def test_huge_numbers_in_query_parameters_are_a_4xx_naming_the_field(url, params, field, api_client):
    response = api_client.get(url, params)
    assert response.status_code in (400, 422), (response.status_code, response.content[:300])
    assert field in _errors(response)


# --- preferences: limits before any work ----------------------------------------------------------


def _preferences_url(workspace):
    return f"/api/v1/users/{workspace.slug}/preferences"


@pytest.mark.parametrize("field", ["preferred_industries", "geographic_focus", "seniority_levels"])
@pytest.mark.parametrize("count", [MAX_LIST_ITEMS + 1, 20_000])
def test_a_preference_list_over_the_limit_is_refused_before_any_preference_query(
    field, count, api_client, workspace
):
    body = json.dumps({field: [f"industry {i}" for i in range(count)]})
    with CaptureQueriesContext(connection) as queries:
        response = api_client.post(_preferences_url(workspace), body, content_type="application/json")
    assert response.status_code == 422
    assert field in _errors(response)
    touched = [q["sql"] for q in queries if "preference" in q["sql"].lower() or "SAVEPOINT" in q["sql"]]
    assert not touched, touched[:3]


def test_a_preference_entry_over_its_length_is_refused_with_422(api_client, workspace):
    body = json.dumps({"preferred_industries": ["x" * (MAX_ITEM_LENGTH + 1)]})
    response = api_client.post(_preferences_url(workspace), body, content_type="application/json")
    assert response.status_code == 422
    assert "preferred_industries.0" in _errors(response)


def test_the_largest_allowed_preferences_are_saved(api_client, workspace, capsys):
    lists = {
        name: [f"{name} {i} " + "y" * (MAX_ITEM_LENGTH - 30) for i in range(MAX_LIST_ITEMS)]
        for name in ("preferred_industries", "geographic_focus", "seniority_levels")
    }
    began = time.perf_counter()
    response = api_client.post(
        _preferences_url(workspace), json.dumps(lists), content_type="application/json"
    )
    elapsed = time.perf_counter() - began
    with capsys.disabled():
        print(f"\nlargest allowed preferences request: {elapsed * 1000:.0f} ms")
    assert response.status_code == 200, response.content[:300]
    saved = PreferenceSet.objects.get(workspace=workspace)
    assert len(saved.preferred_industries) == MAX_LIST_ITEMS


def test_preferences_with_duplicates_keep_one_of_each(api_client, workspace):
    body = json.dumps({"preferred_industries": ["SaaS", "saas", " SaaS ", "AI"] * 25})
    response = api_client.post(_preferences_url(workspace), body, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["preferred_industries"] == ["SaaS", "AI"]


def test_the_preferences_form_refuses_a_text_over_its_limit_without_saving(owner_client, workspace):
    text = ", ".join(f"industry {i}" for i in range(20_000))
    response = owner_client.post("/leads/preferences/", {"preferred_industries": text})
    assert response.status_code == 400
    assert response.context["form"].errors["preferred_industries"]
    assert not PreferenceSet.objects.filter(workspace=workspace).exists()


def test_the_preferences_form_refuses_more_than_100_entries(owner_client, workspace):
    text = ",".join(f"i{i}" for i in range(MAX_LIST_ITEMS + 1))
    response = owner_client.post("/leads/preferences/", {"preferred_industries": text})
    assert response.status_code == 400
    assert f"At most {MAX_LIST_ITEMS} entries." in response.content.decode()
    assert not PreferenceSet.objects.filter(workspace=workspace).exists()


# --- JSON typed into a page form --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,message",
    [
        ('{"a":' * 10_000 + "1" + "}" * 10_000, "nests deeper than 32 levels"),
        ('{"a":' * 33 + "1" + "}" * 33, "nests deeper than 32 levels"),
        ('{"search_query": "a\\u0000b"}', "NUL characters"),
    ],
    ids=["depth-10000", "depth-33", "nul"],
)
def test_a_recipe_form_with_json_too_deep_or_with_a_nul_shows_the_reason_beside_the_field(
    text, message, owner_client, workspace
):
    recipe = RecipeFactory(agent__workspace=workspace)
    response = owner_client.post(
        f"/leads/recipes/{recipe.id}/edit/",
        {"name": recipe.name, "input_data": text, "demo_lead_count": 10},
    )
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["input_data"])
    recipe.refresh_from_db()
    assert recipe.input_data == {"search_query": "AI startup founders"}


def test_a_recipe_form_with_ordinary_json_is_saved(owner_client, workspace):
    recipe = RecipeFactory(agent__workspace=workspace)
    response = owner_client.post(
        f"/leads/recipes/{recipe.id}/edit/",
        {
            "name": recipe.name,
            "input_data": '{"search_query": "CTOs", "pages": [1, 2]}',
            "demo_lead_count": 10,
        },
    )
    assert response.status_code in (200, 302)
    recipe.refresh_from_db()
    assert recipe.input_data == {"search_query": "CTOs", "pages": [1, 2]}


def test_an_agent_answer_nested_too_deep_is_a_clear_source_error(monkeypatch):
    """The worker reads an external agent's JSON: 10,000 levels used to raise RecursionError."""

    deep = ("[" * 10_000 + "]" * 10_000).encode()
    monkeypatch.setattr(agent_network, "post_json", lambda *args, **kwargs: deep)  # no connection made
    with pytest.raises(SourceError, match="nests deeper than 32 levels"):
        fetch_from_http_agent("https://agent.example/leads", {}, timeout=1, max_leads=10, max_bytes=10**6)


# --- NUL characters in page query strings -------------------------------------------------------


def _plain_page_routes():
    """Every page route without URL parameters, from the URL conf (a new page is walked too)."""

    found = []

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern).lstrip("^").rstrip("$")
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and "<" not in route and "(" not in route:
                found.append("/" + route)

    walk(get_resolver().url_patterns, "")
    return sorted(r for r in set(found) if not r.startswith(("/api/", "/admin/", "/static/", "/accounts/")))


PAGE_ROUTES = _plain_page_routes()


def test_the_page_walk_finds_the_loops_pages():
    assert {"/", "/feedback/", "/leads/preferences/"} <= set(PAGE_ROUTES)


@pytest.mark.parametrize("url", PAGE_ROUTES)
def test_a_nul_in_a_page_query_parameter_is_a_400_naming_it(url, owner_client):
    """/feedback/?tag=%00 reached PostgreSQL, which refuses NUL in text: a 500."""
    response = owner_client.get(url, {"tag": "a\x00", "q": "fine"})
    assert response.status_code == 400, url
    assert "The parameter 'tag' is not valid" in html.unescape(response.content.decode())
