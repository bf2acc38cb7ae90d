"""Stated priorities count when they predict choices: learned from sessions and "what mattered most"
answers, used to rank a new customer, explained on the session page, counted on the analytics page."""

import numpy as np
import pytest
from django.urls import reverse

from matching.models import Choice, MatchingSession
from matching.services.sessions import record_choice, start_session
from matching.services.weights import learn_weights
from tests.matching.factories import provider_workspace

pytestmark = pytest.mark.django_db


def choose_by_stated(workspace, n, seed=0, informative=True):
    """Customers state price and quality 1-5; their weights follow what they said (or not)."""
    rng = np.random.default_rng(seed)
    for _ in range(n):
        price, quality = (int(v) for v in rng.integers(1, 6, size=2))
        session = start_session(workspace, stated_preferences={"price": price, "quality": quality})
        recs = list(session.recommendations.order_by("rank"))
        if informative:
            w_price, w_quality = 1.5 * (price - 1) / 4, 1.5 * (quality - 1) / 4
        else:
            w_price, w_quality = 0.7, 0.7
        z_price = np.array([-r.factor_values["price"] for r in recs], float)
        z_quality = np.array([r.factor_values["quality"] for r in recs], float)
        z_price = (z_price - z_price.mean()) / z_price.std()
        z_quality = (z_quality - z_quality.mean()) / z_quality.std()
        u = w_price * z_price + w_quality * z_quality + rng.gumbel(size=len(recs))
        Choice.objects.create(
            workspace=workspace, session=session, candidate=recs[int(np.argmax(u))].candidate
        )


def price_of_top(session):
    return session.recommendations.get(rank=1).factor_values["price"]


@pytest.fixture
def learned_from_stated(workspace, settings):
    provider_workspace(workspace, 6)
    settings.MATCHING_MIN_SEGMENT_SESSIONS = 30
    choose_by_stated(workspace, 240)
    return learn_weights(workspace)


def test_stated_weights_are_learned_with_standard_errors(learned_from_stated):
    everyone = learned_from_stated.segments["all"]
    for factor in ("price", "quality"):
        weight, se = everyone["stated_weights"][factor], everyone["stated_se"][factor]
        assert se > 0
        assert weight > 2 * se  # customers who say it matters weigh it more, well beyond noise
    assert learned_from_stated.model["options"]["stated"]["sessions_stated"] == 240


def test_a_price_first_customer_sees_cheaper_providers_higher(learned_from_stated, workspace):
    price_first = start_session(workspace, stated_preferences={"price": 5, "quality": 1})
    quality_first = start_session(workspace, stated_preferences={"price": 1, "quality": 5})
    assert price_first.algorithm.endswith("+stated")
    assert price_of_top(price_first) < price_of_top(quality_first)


def test_the_session_page_says_when_stated_priorities_moved_a_rank(
    learned_from_stated, workspace, teammate_client
):
    session = start_session(workspace, customer_ref="pat", stated_preferences={"price": 5, "quality": 1})
    explanations = list(session.recommendations.values_list("explanation", flat=True))
    moved = [e for e in explanations if "because you said" in e]
    assert moved, explanations
    assert any("Ranked up from" in e and "price matters most (5/5)" in e for e in moved)
    body = teammate_client.get(reverse("matching:session", args=[session.id])).content.decode()
    assert "price matters most (5/5)" in body
    assert "adjusted for these priorities" in body
    assert 'data-testid="stated-moved"' in body
    assert (
        'class="stated-move" data-testid="stated-move"><strong aria-hidden="true">↑</strong> Ranked up from'
        in body
    )
    index = teammate_client.get(reverse("matching:index")).content.decode()
    assert "They adjust the learned weights for this customer" in index
    assert "do not change this ranking yet" not in index


def test_noise_statements_leave_the_ranking_as_without_them(workspace, settings):
    provider_workspace(workspace, 6)
    settings.MATCHING_MIN_SEGMENT_SESSIONS = 30
    choose_by_stated(workspace, 240, seed=3, informative=False)
    version = learn_weights(workspace)
    stated = version.segments["all"]["stated_weights"]
    assert all(abs(w) < 0.15 for w in stated.values()), stated


def test_without_stated_priorities_the_session_ranks_as_before(learned_from_stated, workspace):
    session = start_session(workspace, customer_ref="no-statement")
    assert session.algorithm == "conditional-logit-v1"
    assert not any(
        "because you said" in e for e in session.recommendations.values_list("explanation", flat=True)
    )


def test_what_mattered_most_answers_feed_learning_and_are_counted(workspace, settings, owner_client):
    provider_workspace(workspace, 6)
    settings.MATCHING_MIN_SEGMENT_SESSIONS = 30
    rng = np.random.default_rng(1)
    for i in range(60):
        session = start_session(workspace)
        recs = list(session.recommendations.order_by("rank"))
        key = "price" if i % 2 else "quality"
        best = (
            min(recs, key=lambda r: r.factor_values["price"])
            if key == "price"
            else recs[int(rng.integers(0, 6))]
        )
        record_choice(workspace, session, candidate_id=str(best.candidate_id), important_factors=[key])
    version = learn_weights(workspace)
    assert version.model["options"]["stated"]["sessions_mattered_most"] == 60
    assert version.model["options"]["stated"]["sessions_stated"] == 0
    assert version.segments["all"]["stated_weights"]  # the answers are learned from as stated importance 5
    body = owner_client.get(reverse("matching:analytics")).content.decode()
    assert "<strong>60</strong> choices with a" in body
    assert "learned from 0 sessions with stated priorities and 60 with a" in body
    assert MatchingSession.objects.count() == 60
