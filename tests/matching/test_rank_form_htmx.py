"""The "Rank candidates" form on the matching page: where it sends the browser, what it refuses,
and what it says about stated priorities."""

import pytest
from django.urls import reverse

from matching.models import MatchingSession
from matching.selectors import segments_with_own_weights
from matching.services.weights import learn_weights
from tests.matching.factories import provider_workspace
from tests.matching.test_learning_service import choose_by

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def providers(workspace):
    provider_workspace(workspace)
    return workspace


def test_ranking_by_htmx_sends_the_browser_to_the_session_page(teammate_client, providers):
    response = teammate_client.post(
        reverse("matching:start"), {"customer_ref": "erin", "complexity": "medium"}, **HTMX
    )
    session = MatchingSession.objects.get()
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("matching:session", args=[session.id])
    assert b"<html" not in response.content


def test_ranking_without_htmx_still_redirects(teammate_client, providers):
    response = teammate_client.post(
        reverse("matching:start"), {"customer_ref": "erin", "complexity": "medium"}
    )
    session = MatchingSession.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("matching:session", args=[session.id])


def test_empty_form_is_refused_beside_the_fields_and_creates_no_session(teammate_client, providers):
    response = teammate_client.post(reverse("matching:start"), {"complexity": "medium"}, **HTMX)
    body = response.content.decode()
    assert response.status_code == 400
    assert "<html" not in body
    assert body.count("Give the customer, the request, or at least one stated priority.") == 2
    assert 'id="start-form"' in body
    assert not MatchingSession.objects.exists()


def test_one_stated_priority_is_enough_to_rank(teammate_client, providers):
    response = teammate_client.post(reverse("matching:start"), {"complexity": "medium", "price": "5"}, **HTMX)
    assert "HX-Redirect" in response
    assert MatchingSession.objects.get().stated_preferences == {"price": 5}


def test_no_candidates_is_refused_with_the_reason(teammate_client, workspace):
    response = teammate_client.post(
        reverse("matching:start"), {"customer_ref": "erin", "complexity": "medium"}, **HTMX
    )
    assert response.status_code == 400
    assert "no factors to rank by" in response.content.decode()
    assert not MatchingSession.objects.exists()


def test_index_says_stated_priorities_do_not_change_the_ranking_yet(teammate_client, providers):
    body = teammate_client.get(reverse("matching:index")).content.decode()
    assert "Recorded for learning; they do not change this ranking yet." in body


def test_session_page_says_stated_priorities_did_not_change_its_ranking(teammate_client, providers):
    teammate_client.post(reverse("matching:start"), {"complexity": "medium", "price": "5", "quality": "1"})
    session = MatchingSession.objects.get()
    body = teammate_client.get(reverse("matching:session", args=[session.id])).content.decode()
    assert "price 5/5, quality 1/5" in body
    assert "Recorded for learning; they did not change this ranking" in body


def test_index_names_the_segments_whose_learned_weights_stated_priorities_reach(
    teammate_client, workspace, settings
):
    provider_workspace(workspace, 6)
    settings.MATCHING_MIN_SEGMENT_SESSIONS = 30
    choose_by(workspace, 40, (-0.2, 0.0), stated={"price": 5})
    choose_by(workspace, 10, (0.0, 1.0), stated={"quality": 5, "price": 3}, seed=1)
    learn_weights(workspace)
    assert segments_with_own_weights(workspace) == ["price_sensitive"]
    body = teammate_client.get(reverse("matching:index")).content.decode()
    assert "They pick the customer's segment; Price sensitive ranks with weights learned for it" in body
    assert "do not change this ranking yet" not in body


def test_session_page_says_when_stated_priorities_picked_learned_weights(
    teammate_client, workspace, settings
):
    provider_workspace(workspace, 6)
    settings.MATCHING_MIN_SEGMENT_SESSIONS = 30
    choose_by(workspace, 40, (-0.2, 0.0), stated={"price": 5})
    learn_weights(workspace)
    teammate_client.post(
        reverse("matching:start"), {"customer_ref": "frank", "complexity": "medium", "price": "5"}
    )
    session = MatchingSession.objects.get(customer_ref="frank")
    body = teammate_client.get(reverse("matching:session", args=[session.id])).content.decode()
    assert "They put the customer in this segment, whose learned weights ranked this list." in body
    assert "did not change this ranking" not in body
