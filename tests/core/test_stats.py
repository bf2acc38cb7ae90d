"""core.stats: one Rate with its Wilson interval, in every shape the pages, API and charts read."""

import numpy as np
import pytest

from core.stats import Rate, difference_interval, wilson_interval


def test_a_rate_carries_its_counts_value_and_interval():
    rate = Rate(8, 10)
    assert (rate.successes, rate.n, rate.value, rate.rate) == (8, 10, 0.8, 0.8)
    assert (rate.low, rate.high) == wilson_interval(8, 10)


def test_a_rate_on_no_data_has_no_value_and_the_whole_range():
    rate = Rate(0, 0)
    assert rate.value is None and rate.rate is None
    assert (rate.low, rate.high) == (0.0, 1.0)
    assert rate.percent() == {"value": None, "n": 0, "interval": None}


def test_impossible_counts_are_refused():
    with pytest.raises(ValueError):
        Rate(3, 2)


def test_numpy_counts_become_plain_numbers_for_json():
    rate = Rate(np.int64(3), np.int64(4))
    assert type(rate.successes) is int and type(rate.n) is int
    assert rate.as_dict() == {"successes": 3, "n": 4, "rate": 0.75, "low": rate.low, "high": rate.high}


def test_percent_gives_one_decimal_and_the_interval():
    assert Rate(13, 15).percent() == {"value": 86.7, "n": 15, "interval": [62.1, 96.3]}


def test_few_observations_are_a_small_sample():
    assert Rate(1, 29).small_sample and not Rate(1, 30).small_sample


def test_the_interval_of_a_change_contains_the_change():
    low, high = difference_interval(60, 100, 40, 100)
    assert low < 0.2 < high and low > 0
