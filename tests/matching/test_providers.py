"""Providers (candidates) and their factor values: the page, its form, and the API that keeps
them in sync with another system."""

import pytest
from django.urls import reverse

from matching.models import Candidate
from tests.matching.factories import provider_workspace

pytestmark = pytest.mark.django_db

API = "/api/v1/feedback-learning/candidates"


@pytest.fixture
def providers(workspace):
    return provider_workspace(workspace)


def test_the_page_lists_every_provider_with_its_factor_values(teammate_client, providers, workspace):
    Candidate.objects.filter(pk=providers[3].pk).update(active=False)
    html = teammate_client.get(reverse("matching:providers")).content.decode()
    assert "4 providers" in html
    assert "price <small>(lower is better)</small>" in html
    assert "<td>Provider A</a></td>" not in html  # names are links to their edit page
    assert f'href="{reverse("matching:provider_edit", args=[providers[0].id])}">Provider A</a>' in html
    rows = html.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    assert "Provider D" in rows[-1] and "<td>no</td>" in rows[-1]  # inactive ones last
    assert "<td>100</td>" in rows[0] and "<td>9</td>" in rows[0]


def test_adding_a_provider_keeps_its_values(teammate_client, providers, workspace):
    response = teammate_client.post(
        reverse("matching:provider_add"),
        {
            "name": "Provider Z",
            "description": "New",
            "active": "on",
            "factor__price": "75",
            "factor__quality": "",
        },
    )
    assert response.status_code == 302
    added = Candidate.objects.for_workspace(workspace).get(name="Provider Z")
    assert added.factor_values == {"price": 75.0} and added.active


def test_a_duplicate_name_or_a_word_for_a_number_is_shown_beside_its_field(
    teammate_client, providers, workspace
):
    response = teammate_client.post(
        reverse("matching:provider_add"), {"name": "Provider A", "factor__price": "10"}
    )
    assert response.status_code == 400
    assert "Another provider is already called" in response.content.decode()
    response = teammate_client.post(
        reverse("matching:provider_add"), {"name": "Provider Y", "factor__price": "cheap"}
    )
    assert response.status_code == 400
    assert "Enter a number." in response.content.decode()
    assert not Candidate.objects.for_workspace(workspace).filter(name="Provider Y").exists()


def test_editing_a_provider_replaces_its_values_and_can_retire_it(teammate_client, providers):
    first = providers[0]
    page = teammate_client.get(reverse("matching:provider_edit", args=[first.id])).content.decode()
    assert 'value="100.0"' in page or 'value="100"' in page
    response = teammate_client.post(
        reverse("matching:provider_save", args=[first.id]),
        {"name": "Provider A2", "factor__price": "95", "factor__quality": "8"},
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.name, first.factor_values, first.active) == (
        "Provider A2",
        {"price": 95.0, "quality": 8.0},
        False,
    )


def test_viewers_see_the_list_but_cannot_change_it(viewer_client, providers, workspace):
    html = viewer_client.get(reverse("matching:providers")).content.decode()
    assert "Provider A" in html and "Add a provider" not in html
    response = viewer_client.post(reverse("matching:provider_add"), {"name": "Sneaky"})
    assert response.status_code == 403
    assert not Candidate.objects.for_workspace(workspace).filter(name="Sneaky").exists()


def test_put_creates_then_updates_a_provider_by_name(api_client, providers, workspace):
    body = {"name": "Provider Q", "factor_values": {"price": 50, "quality": 4}}
    created = api_client.put(API, body, content_type="application/json")
    assert created.status_code == 201
    assert created.json()["factor_values"] == {"price": 50.0, "quality": 4.0}
    body = {"name": "Provider Q", "factor_values": {"price": 55}, "active": False}
    updated = api_client.put(API, body, content_type="application/json")
    assert updated.status_code == 200 and updated.json()["candidate_id"] == created.json()["candidate_id"]
    row = Candidate.objects.for_workspace(workspace).get(name="Provider Q")
    assert row.factor_values == {"price": 55.0} and not row.active
    listed = api_client.get(API).json()
    assert [c["name"] for c in listed][:4] == ["Provider A", "Provider B", "Provider C", "Provider D"]


def test_put_with_an_unknown_factor_names_the_known_ones_and_writes_nothing(api_client, providers, workspace):
    body = {"name": "Provider Q", "factor_values": {"price": 50, "speed": 3}}
    response = api_client.put(API, body, content_type="application/json")
    assert response.status_code in (400, 422)
    assert "Unknown factor(s) speed" in str(response.json()) and "price, quality" in str(response.json())
    assert not Candidate.objects.for_workspace(workspace).filter(name="Provider Q").exists()


def test_read_only_tokens_cannot_put(readonly_api_client, providers, workspace):
    response = readonly_api_client.put(API, {"name": "Provider Q"}, content_type="application/json")
    assert response.status_code == 403
    assert not Candidate.objects.for_workspace(workspace).filter(name="Provider Q").exists()
