"""The call list's draw (pure): size, exploration share, selection probabilities, ranks."""

import random
from collections import Counter

from leads.scoring.call_list import draw_call_list, exploration_places, weekly_exploration_calls


def _candidates(n):
    return [(f"lead-{i:03d}", i / n) for i in range(n)]


def test_default_list_has_twenty_places_two_of_them_explored_from_below_the_cut():
    placed = draw_call_list(_candidates(200), 20, 0.10, random.Random(7))
    assert [p.rank for p in placed] == list(range(1, 21))
    explored = [p for p in placed if p.exploration]
    by_score = [p for p in placed if not p.exploration]
    assert len(explored) == 2 and len(by_score) == 18
    # The 18 best scores are on the list by score, with probability 1.
    assert sorted(p.score for p in by_score) == sorted(i / 200 for i in range(182, 200))
    assert all(p.selection_probability == 1.0 for p in by_score)
    # The explored ones come from the 182 below the cut, each with probability 2/182.
    assert all(p.score < 182 / 200 for p in explored)
    assert all(abs(p.selection_probability - 2 / 182) < 1e-12 for p in explored)
    assert len({p.key for p in placed}) == 20


def test_exploration_places_round_and_keep_one_place_by_score():
    assert exploration_places(20, 0.10) == 2
    assert exploration_places(20, 0.0) == 0
    assert exploration_places(20, float("nan")) == 0
    assert exploration_places(5, 0.10) == 1  # any share above 0 explores at least one place
    assert exploration_places(2, 0.5) == 1
    assert exploration_places(1, 0.5) == 0  # a list of one keeps its place for the best score
    assert exploration_places(10, 5.0) == 9
    assert weekly_exploration_calls(20, 0.10) == 10


def test_every_lead_below_the_cut_is_drawn_with_the_probability_stored():
    """Over many days the frequency each below-the-cut lead is drawn matches places/below."""
    candidates = _candidates(60)
    counts, days = Counter(), 3000
    rng = random.Random(3)
    for _ in range(days):
        for p in draw_call_list(candidates, 10, 0.2, rng):
            if p.exploration:
                counts[p.key] += 1
                stored = p.selection_probability
    assert stored == 2 / 52
    below = [key for key, _ in candidates[:52]]
    assert set(counts) <= set(below)
    frequencies = [counts[key] / days for key in below]
    assert min(frequencies) > stored * 0.75 and max(frequencies) < stored * 1.25


def test_explored_leads_are_spread_through_the_list_not_always_last():
    ranks = Counter()
    rng = random.Random(11)
    for _ in range(500):
        for p in draw_call_list(_candidates(100), 20, 0.1, rng):
            if p.exploration:
                ranks[p.rank] += 1
    assert min(ranks) <= 3 and max(ranks) >= 18


def test_no_more_leads_than_places_puts_everyone_on_by_score():
    placed = draw_call_list(_candidates(7), 20, 0.1, random.Random(1))
    assert len(placed) == 7 and not any(p.exploration for p in placed)
    assert [p.score for p in placed] == sorted((i / 7 for i in range(7)), reverse=True)


def test_unscored_leads_come_last_and_the_draw_does_not_depend_on_input_order():
    candidates = [*_candidates(30), ("new-1", None), ("new-2", None)]
    first = draw_call_list(candidates, 32, 0.0, random.Random(5))
    assert [p.key for p in first[-2:]] == ["new-1", "new-2"]
    shuffled = list(reversed(candidates))
    again = draw_call_list(shuffled, 12, 0.25, random.Random(5))
    assert again == draw_call_list(candidates, 12, 0.25, random.Random(5))
    assert draw_call_list([], 20, 0.1, random.Random(1)) == []
