"""The error rates the policy page states are what the seeded simulations give today (pure)."""

import pytest

from content.simulation import STATED, policy_figures


def test_stated_error_rates_are_what_the_simulations_measure():
    measured = policy_figures()
    assert measured.keys() == STATED.keys()
    for key, value in STATED.items():
        assert measured[key] == pytest.approx(value, rel=0.01, abs=0.001), key


def test_stated_figures_meet_the_issue_bars():
    assert STATED["false_winner"] <= 0.05
    assert STATED["found_within_budget"] >= 0.90
    assert STATED["regret_ratio"] < 1.0
