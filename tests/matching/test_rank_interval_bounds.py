"""The mean chosen rank's interval stays within the ranks a customer could choose: 1 to the list length."""

import pytest

from matching.performance import matching_analytics, mean_with_interval
from matching.services.sessions import record_choice, start_session
from tests.matching.factories import provider_workspace

pytestmark = pytest.mark.django_db


def _sessions(workspace, chosen_ranks):
    for rank in chosen_ranks:
        session = start_session(workspace, stated_preferences={"price": 5})
        rec = session.recommendations.get(rank=rank)
        record_choice(workspace, session, candidate_id=rec.candidate_id, satisfaction=5)


def test_mean_rank_interval_of_mostly_first_choices_does_not_go_below_one(workspace):
    provider_workspace(workspace, n_candidates=4)
    _sessions(workspace, [1, 1, 4])  # unclipped t-interval: 2.0 +- 7.5
    rank = matching_analytics(workspace)["overall"]["chosen_rank"]
    assert rank["low"] == 1.0
    assert rank["mean"] == pytest.approx(2.0)


def test_mean_rank_interval_does_not_go_above_the_number_of_candidates_shown(workspace):
    provider_workspace(workspace, n_candidates=4)
    _sessions(workspace, [4, 4, 1])
    rank = matching_analytics(workspace)["overall"]["chosen_rank"]
    assert rank["high"] == 4.0
    assert rank["low"] >= 1.0


def test_rating_interval_stays_within_one_to_five():
    figure = mean_with_interval([5, 5, 1], bounds=(1, 5))
    assert figure["low"] == 1.0 and figure["high"] == 5.0


def test_interval_inside_the_bounds_is_left_as_computed():
    figure = mean_with_interval([2, 3, 2, 3, 2, 3], bounds=(1, 10))
    assert 1 < figure["low"] < 2.5 < figure["high"] < 10
    assert figure["low"] + figure["high"] == pytest.approx(2 * figure["mean"])
