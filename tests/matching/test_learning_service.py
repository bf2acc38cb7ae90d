"""Learning from recorded choices: versions, minimum sample size, debounced task."""

import numpy as np
import pytest
from django.core.cache import cache

from matching.models import Choice, WeightVersion
from matching.services.sessions import record_choice, start_session
from matching.services.weights import LearningBusy, learn_weights
from tests.matching.factories import provider_workspace
from workspaces.locks import job_lease

pytestmark = pytest.mark.django_db


def choose_by(workspace, n, taste, seed=0, stated=None):
    """Start n sessions and let a customer pick by `taste` (weights on price, quality)."""
    rng = np.random.default_rng(seed)
    for _ in range(n):
        session = start_session(workspace, stated_preferences=stated or {})
        recs = list(session.recommendations.order_by("rank"))
        u = [taste[0] * r.factor_values["price"] + taste[1] * r.factor_values["quality"] for r in recs]
        u = np.array(u) + rng.gumbel(size=len(recs)) * 0.5
        Choice.objects.create(
            workspace=workspace, session=session, candidate=recs[int(np.argmax(u))].candidate
        )


def test_learning_stores_a_version_with_sample_size_and_confidence(workspace):
    provider_workspace(workspace, 6)
    choose_by(workspace, 60, (-0.1, 0.0))
    version = learn_weights(workspace)
    assert version.number == 1
    assert version.n_sessions == 60
    assert 0 <= version.confidence <= 1
    weights = version.segments["all"]["weights"]
    assert weights["price"] > 0  # price is lower-is-better: a positive weight means cheap wins
    assert version.segments["all"]["se"]["price"] > 0


def test_learning_twice_on_the_same_choices_stores_one_version(workspace):
    provider_workspace(workspace, 6)
    choose_by(workspace, 20, (-0.1, 0.0))
    assert learn_weights(workspace) is not None
    assert learn_weights(workspace) is None
    assert WeightVersion.objects.for_workspace(workspace).count() == 1


def test_learned_weights_rank_only_past_the_minimum_sample_size(workspace, settings):
    provider_workspace(workspace, 6)
    # customers only care about price, while the defaults weigh quality as much
    choose_by(workspace, 40, (-0.2, 0.0))
    learn_weights(workspace)
    settings.MATCHING_MIN_SEGMENT_SESSIONS = 1000
    before = start_session(workspace)
    assert before.weights_source == "defaults"
    settings.MATCHING_MIN_SEGMENT_SESSIONS = 30
    after = start_session(workspace)
    assert after.weights_source == "segment"  # all 40 sessions are "balanced"
    assert after.weights_version.number == 1
    top_before = before.recommendations.get(rank=1).candidate.name
    top_after = after.recommendations.get(rank=1).candidate.name
    assert top_before == "Provider A"  # the defaults weigh price and quality equally
    assert top_after == "Provider D"  # cheapest


def test_a_segment_uses_its_own_weights_once_it_has_enough_sessions(workspace, settings):
    provider_workspace(workspace, 6)
    settings.MATCHING_MIN_SEGMENT_SESSIONS = 30
    choose_by(workspace, 40, (-0.2, 0.0), stated={"price": 5})
    choose_by(workspace, 10, (0.0, 1.0), stated={"quality": 5, "price": 3}, seed=1)
    learn_weights(workspace)
    assert start_session(workspace, stated_preferences={"price": 5}).weights_source == "segment"
    assert start_session(workspace, stated_preferences={"quality": 5, "price": 3}).weights_source == "global"


def test_recording_a_choice_queues_one_debounced_learning_run(
    workspace, django_capture_on_commit_callbacks, settings
):
    provider_workspace(workspace)
    settings.MATCHING_LEARN_DEBOUNCE_SECONDS = 60
    cache.clear()
    first = start_session(workspace)
    second = start_session(workspace)
    with django_capture_on_commit_callbacks() as callbacks:
        record_choice(workspace, first, candidate_id=first.recommendations.first().candidate_id)
        record_choice(workspace, second, candidate_id=second.recommendations.first().candidate_id)
    assert len(callbacks) == 1


def test_a_second_run_during_a_running_one_waits_for_it(workspace):
    provider_workspace(workspace, 6)
    choose_by(workspace, 10, (-0.1, 0.0))
    with job_lease(f"matching-learn:{workspace.id}", 60):
        with pytest.raises(LearningBusy):
            learn_weights(workspace)
    assert learn_weights(workspace).number == 1
