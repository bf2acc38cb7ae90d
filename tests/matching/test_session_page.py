"""The session page: expanding and comparing are recorded as interactions; choosing records a choice."""

import pytest
from django.urls import reverse

from matching.models import Choice, Interaction
from matching.services.sessions import start_session
from tests.matching.factories import provider_workspace

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def session(workspace):
    provider_workspace(workspace)
    return start_session(workspace, customer_ref="erin")


def test_expanding_an_explanation_answers_the_fragment_and_records_it(teammate_client, session):
    rec = session.recommendations.get(rank=2)
    response = teammate_client.post(reverse("matching:expand", args=[rec.id]), **HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert f"Why {rec.candidate.name} is ranked 2" in body
    assert "Was this explanation helpful?" in body
    interaction = Interaction.objects.get()
    assert interaction.interaction_type == "expanded"
    assert interaction.recommendation == rec


def test_rating_an_explanation_records_its_helpfulness(teammate_client, session):
    rec = session.recommendations.get(rank=1)
    response = teammate_client.post(reverse("matching:rate", args=[rec.id]), {"helpful_rating": "4"}, **HTMX)
    assert "you rated this explanation 4/5" in response.content.decode()
    assert Interaction.objects.get().helpful_rating == 4
    bad = teammate_client.post(reverse("matching:rate", args=[rec.id]), {"helpful_rating": "9"}, **HTMX)
    assert bad.status_code == 400
    assert "1 to 5" in bad.content.decode()


def test_comparing_records_each_compared_candidate(teammate_client, session):
    recs = list(session.recommendations.order_by("rank")[:2])
    response = teammate_client.post(
        reverse("matching:compare", args=[session.id]),
        {"candidate_id": [str(r.candidate_id) for r in recs]},
        **HTMX,
    )
    body = response.content.decode()
    assert "Side by side" in body
    assert all(r.candidate.name in body for r in recs)
    assert Interaction.objects.filter(interaction_type="compared").count() == 2


def test_comparing_one_candidate_asks_for_two(teammate_client, session):
    rec = session.recommendations.first()
    response = teammate_client.post(
        reverse("matching:compare", args=[session.id]), {"candidate_id": [str(rec.candidate_id)]}, **HTMX
    )
    assert response.status_code == 400
    assert "at least two" in response.content.decode()


def test_choosing_records_the_choice_and_its_rank(teammate_client, session):
    rec = session.recommendations.get(rank=3)
    response = teammate_client.post(
        reverse("matching:choose", args=[session.id]), {"candidate_id": str(rec.candidate_id)}, **HTMX
    )
    body = response.content.decode()
    assert f"Chosen: <strong>{rec.candidate.name}</strong> (ranked 3)" in body
    choice = Choice.objects.get()
    assert choice.chosen_rank == 3
    assert choice.decision_time_seconds >= 0  # time from showing the list to the choice
    # the follow-up form adds satisfaction to the same choice
    teammate_client.post(
        reverse("matching:choose", args=[session.id]),
        {"candidate_id": str(rec.candidate_id), "satisfaction": "4", "reasoning": "fast"},
        **HTMX,
    )
    choice.refresh_from_db()
    assert (choice.satisfaction, choice.reasoning, choice.chosen_rank) == (4, "fast", 3)


def test_choosing_none_is_recorded(teammate_client, session):
    teammate_client.post(reverse("matching:choose", args=[session.id]), {"candidate_id": "none"})
    assert Choice.objects.get().candidate is None


def test_viewer_cannot_choose(viewer_client, session):
    rec = session.recommendations.first()
    response = viewer_client.post(
        reverse("matching:choose", args=[session.id]), {"candidate_id": str(rec.candidate_id)}
    )
    assert response.status_code == 403
    assert not Choice.objects.exists()


def test_feedback_records_important_factors_and_outcome(teammate_client, session):
    rec = session.recommendations.get(rank=1)
    url = reverse("matching:choose", args=[session.id])
    teammate_client.post(url, {"candidate_id": str(rec.candidate_id)}, **HTMX)
    response = teammate_client.post(
        url,
        {"candidate_id": str(rec.candidate_id), "important_factors": ["price"], "outcome": "order placed"},
        **HTMX,
    )
    assert "mattered most: price" in response.content.decode()
    choice = Choice.objects.get()
    assert (choice.important_factors, choice.outcome) == (["price"], "order placed")


def test_contacting_a_candidate_is_recorded(teammate_client, session):
    rec = session.recommendations.get(rank=1)
    response = teammate_client.post(reverse("matching:contact", args=[rec.id]), **HTMX)
    assert f"Contact with {rec.candidate.name} recorded." in response.content.decode()
    assert Interaction.objects.get().interaction_type == "contacted"


def test_the_page_reports_how_long_the_list_was_viewed(teammate_client, session):
    response = teammate_client.post(
        reverse("matching:viewed", args=[session.id]), {"time_spent_seconds": "12.5"}
    )
    assert response.status_code == 204
    viewed = Interaction.objects.get(session=session, interaction_type="viewed")
    assert viewed.time_spent_seconds == 12.5 and viewed.recommendation is None


def test_a_nonsense_view_time_is_refused_and_nothing_recorded(teammate_client, session):
    response = teammate_client.post(
        reverse("matching:viewed", args=[session.id]), {"time_spent_seconds": "-3"}
    )
    assert response.status_code == 400
    assert "time_spent_seconds" in response.json()["errors"]
    assert not Interaction.objects.filter(session=session, interaction_type="viewed").exists()


def test_only_members_who_can_write_get_the_view_beacon(teammate_client, viewer_client, session):
    beacon = "data-view-beacon"
    assert beacon in teammate_client.get(reverse("matching:session", args=[session.id])).content.decode()
    assert beacon not in viewer_client.get(reverse("matching:session", args=[session.id])).content.decode()
