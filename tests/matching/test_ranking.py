"""Weighted ranking, factor contributions and explanations in words."""

import numpy as np

from matching.learning import Standardiser
from matching.ranking import CANDIDATE_EFFECT, rank_candidates


def make_standardiser():
    pool = np.array([[100.0, 3.0], [200.0, 5.0], [150.0, 4.0]])
    return Standardiser.fit(pool, ["price", "quality"], [False, True])


def test_cheaper_candidate_ranks_first_when_price_dominates():
    std = make_standardiser()
    ranked = rank_candidates(np.array([[200.0, 5.0], [100.0, 3.0]]), std, np.array([1.0, 0.1]))
    assert [r.index for r in ranked] == [1, 0]
    assert ranked[0].rank == 1
    assert "lower price" in ranked[0].explanation
    assert "Held back by: lower quality" in ranked[0].explanation


def test_contributions_add_up_to_the_score_and_probabilities_to_one():
    std = make_standardiser()
    ranked = rank_candidates(
        np.array([[200.0, 5.0], [100.0, 3.0], [150, 4]]),
        std,
        np.array([0.5, 0.5]),
        effects=[0.3, 0, 0],
    )
    for r in ranked:
        assert np.isclose(sum(r.contributions.values()), r.score)
        assert CANDIDATE_EFFECT in r.contributions
    assert np.isclose(sum(r.probability for r in ranked), 1.0)


def test_changing_weights_changes_the_order():
    std = make_standardiser()
    values = np.array([[200.0, 5.0], [100.0, 3.0]])
    assert rank_candidates(values, std, np.array([1.0, 0.0]))[0].index == 1
    assert rank_candidates(values, std, np.array([0.0, 1.0]))[0].index == 0


def test_labels_are_used_in_explanations():
    std = make_standardiser()
    ranked = rank_candidates(
        np.array([[100.0, 5.0], [200.0, 3.0]]),
        std,
        np.array([1.0, 1.0]),
        labels={"quality": "quality score"},
    )
    assert "higher quality score" in ranked[0].explanation
