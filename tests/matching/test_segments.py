"""Segment rules from stated preferences and past choices."""

import numpy as np

from matching.segments import assign_segment, chosen_standing


def test_no_information_is_balanced():
    assert assign_segment({}, []).segment == "balanced"


def test_strong_price_statement_is_price_sensitive():
    a = assign_segment({"price": 5, "quality": 2, "speed": 3, "proximity": 1})
    assert a.segment == "price_sensitive"
    assert "Price" in a.reason


def test_quality_without_price_concern_is_premium_buyer():
    assert assign_segment({"price": 1, "quality": 5}).segment == "premium_buyer"


def test_quality_with_price_concern_is_not_premium():
    assert assign_segment({"price": 3, "quality": 5}).segment == "quality_focused"


def test_two_equally_strong_priorities_are_balanced():
    assert assign_segment({"price": 5, "speed": 5}).segment == "balanced"


def test_past_choices_of_nearby_providers_make_local_preference():
    past = [{"proximity": 1.0, "price": 0.3, "quality": 0.4, "speed": 0.5}] * 5
    assert assign_segment({}, past).segment == "local_preference"


def test_past_behaviour_can_outweigh_a_stated_preference():
    past = [{"speed": 1.0, "price": 0.2}] * 8
    assert assign_segment({"price": 5, "speed": 3}, past).segment == "speed_priority"


def test_garbage_statements_are_ignored():
    assert assign_segment({"price": "lots", "quality": float("nan")}).segment == "balanced"


def test_chosen_standing_orients_lower_is_better():
    values = np.array([[100.0, 5.0], [200.0, 1.0], [150.0, 3.0]])
    standing = chosen_standing(values, 0, np.array([-1, 1]), ["price", "quality"])
    assert standing == {"price": 1.0, "quality": 1.0}
