"""Near-miss exploration in the filter (pure): which leads are near misses, how many a run keeps,
the probability each had, and that the filtering impact does not change."""

import numpy as np

from leads.filtering import LeadPreferences, draw_near_misses, filter_leads

PREFS = LeadPreferences(preferred_industries=("SaaS",), min_engagement_score=0.5)


def _leads(n, seed=0):
    rng = np.random.default_rng(seed)
    return [
        {"name": f"L{i}", "industry": rng.choice(["SaaS", "Retail"]), "engagement_score": float(rng.random())}
        for i in range(n)
    ]


def test_near_misses_are_the_leads_failing_exactly_one_criterion():
    leads = [
        {"name": "both", "industry": "SaaS", "engagement_score": 0.9},
        {"name": "industry", "industry": "Retail", "engagement_score": 0.9},
        {"name": "engagement", "industry": "SaaS", "engagement_score": 0.1},
        {"name": "two", "industry": "Retail", "engagement_score": 0.1},
    ]
    result = filter_leads(leads, PREFS)
    assert list(result.near_miss_indices) == [1, 2]
    assert result.near_miss_criteria == ("industry", "engagement")
    assert result.impact()["kept"] == 1 and result.impact()["sole_cause"] == {"engagement": 1, "industry": 1}


def test_a_run_keeps_its_share_of_near_misses_at_most_the_cap_with_their_probability():
    result = filter_leads(_leads(400), PREFS)
    candidates = len(result.near_miss_indices)
    draw = draw_near_misses(result, 0.05, 3, seed=1)
    assert len(draw.positions) == 3  # 5% of ~200 is ~10, capped at 3
    assert draw.probability == 3 / candidates
    assert set(draw.positions) <= set(result.near_miss_indices.tolist())
    assert draw == draw_near_misses(result, 0.05, 3, seed=1)  # seeded: reproducible
    assert draw_near_misses(result, 0.05, 3, seed=2).positions != draw.positions


def test_small_runs_explore_nothing_alone_but_carry_the_share_to_the_next_run():
    result = filter_leads(_leads(10, seed=3), PREFS)
    candidates = len(result.near_miss_indices)
    first = draw_near_misses(result, 0.05, 3, credit=0.0, seed=1)
    assert first.positions == () and abs(first.credit - 0.05 * candidates) < 1e-9
    explored, credit = 0, 0.0
    for run in range(40):
        draw = draw_near_misses(result, 0.05, 3, credit=credit, seed=run)
        credit = draw.credit
        explored += len(draw.positions)
    assert explored == int(0.05 * candidates * 40 + 1e-9)


def test_zero_share_or_hostile_settings_explore_nothing():
    result = filter_leads(_leads(200), PREFS)
    for share, cap in ((0.0, 3), (float("nan"), 3), (-1, 3), (0.05, 0), ("x", 3)):
        assert draw_near_misses(result, share, cap, seed=1).positions == ()
    assert len(draw_near_misses(result, 99, 1000, seed=1).positions) <= 0.5 * len(result.near_miss_indices)
