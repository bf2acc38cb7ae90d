"""The Bradley-Terry board's arithmetic (pure): strengths, ties, intervals, the next pairs."""

import numpy as np

from feedback.pairwise import fit_bradley_terry, fit_comparisons, suggest_pairs, win_matrix
from feedback.router import BanditRouter


def test_a_stronger_item_ranks_first_with_an_interval_that_excludes_average():
    fit = fit_comparisons([("good", "bad", "a", 40), ("good", "bad", "b", 10), ("good", "mid", "a", 30),
                           ("good", "mid", "b", 20), ("mid", "bad", "a", 30), ("mid", "bad", "b", 20)])  # fmt: skip
    rows = fit.table()
    assert [r["item"] for r in rows] == ["good", "mid", "bad"]
    good = rows[0]
    assert good["comparisons"] == 100 and good["interval"][0] > 0
    assert 0.5 < good["beats_average_interval"][0] < good["beats_average"] < good["beats_average_interval"][1]
    assert abs(sum(r["strength"] for r in rows)) < 1e-9  # relative to the average item


def test_recovers_known_strengths_from_many_simulated_judgments():
    rng = np.random.default_rng(7)
    truth = np.array([1.0, 0.0, -1.0])
    comparisons = []
    for _ in range(6000):
        i, j = rng.choice(3, size=2, replace=False)
        win = rng.random() < 1 / (1 + np.exp(-(truth[i] - truth[j])))
        comparisons.append((i, j, "a" if win else "b", 1))
    fit = fit_comparisons(comparisons, items=[0, 1, 2])
    assert np.allclose(fit.strength, truth, atol=0.12)
    sd = np.sqrt(np.diag(fit.covariance))
    assert np.all(np.abs(fit.strength - truth) < 1.96 * sd * 1.5)


def test_ties_count_half_a_win_each():
    wins = win_matrix(["x", "y"], [("x", "y", "tie", 10)])
    assert wins.tolist() == [[5, 0], [5, 0]][::1] or wins.tolist() == [[0, 5], [5, 0]]
    fit = fit_bradley_terry(["x", "y"], wins)
    assert abs(fit.strength[0]) < 1e-9 and abs(fit.strength[1]) < 1e-9


def test_an_undefeated_item_keeps_a_finite_strength_and_a_wide_interval():
    fit = fit_comparisons([("winner", "loser", "a", 8)])
    row = fit.table()[0]
    assert row["item"] == "winner" and np.isfinite(row["strength"]) and row["strength"] < 10
    assert row["interval"][1] - row["interval"][0] > 2


def test_an_item_without_comparisons_says_so():
    fit = fit_comparisons([("a1", "a2", "a", 3)], items=["never-judged"])
    row = next(r for r in fit.table() if r["item"] == "never-judged")
    assert row["comparisons"] == 0 and row["strength"] is None and row["interval"] is None
    assert fit.table()[-1]["item"] == "never-judged"


def test_a_comparison_with_itself_tells_nothing():
    fit = fit_comparisons([("same", "same", "a", 5), ("same", "other", "tie", 2)])
    assert fit.total == 2


def test_suggested_pairs_prefer_close_and_little_compared_items():
    comparisons = [("A", "B", "a", 30), ("A", "B", "b", 30), ("A", "C", "a", 28), ("A", "C", "b", 2),
                   ("B", "C", "a", 29), ("B", "C", "b", 1), ("D", "A", "a", 1)]  # fmt: skip
    fit = fit_comparisons(comparisons)
    suggested = suggest_pairs(fit, limit=3)
    first = {suggested[0]["left"], suggested[0]["right"]}
    assert "D" in first  # one comparison so far: the widest interval
    assert {"A", "B"} != first  # 60 comparisons of equals already
    assert all(
        s["variance_drop"] >= t["variance_drop"] for s, t in zip(suggested, suggested[1:], strict=False)
    )


def test_the_router_without_judgments_draws_exactly_as_before():
    arms = [("f1", "m"), ("f2", "m")]
    plain, with_none = BanditRouter(arms, seed=3), BanditRouter(arms, seed=3)
    with_none.use_pairwise(None)
    for router in (plain, with_none):
        router.update([], arms[0], True, weight=3)
        router.update([], arms[1], False, weight=2)
    assert [plain.choose([]) for _ in range(50)] == [with_none.choose([]) for _ in range(50)]
    assert plain.recommend([]).as_dict() == with_none.recommend([]).as_dict()


def test_judgments_move_the_router_towards_the_option_people_prefer():
    arms = [("f1", "m"), ("f2", "m")]
    router = BanditRouter(arms, seed=1)
    router.update([], arms[0], True, weight=5)
    router.update([], arms[0], False, weight=5)
    router.update([], arms[1], True, weight=5)
    router.update([], arms[1], False, weight=5)
    before = router.recommend([])
    router.use_pairwise(fit_comparisons([(arms[1], arms[0], "a", 25), (arms[1], arms[0], "b", 5)]))
    after = router.recommend([])
    p_before = {(a["framework"]): a["probability_best"] for a in before.alternatives}
    p_after = {(a["framework"]): a["probability_best"] for a in after.alternatives}
    assert p_after["f2"] > 0.9 > p_before["f2"]
    assert (
        after.pairwise_comparisons == 30
        and "pairwise judgments between these options weigh in" in after.reasoning
    )
    f2 = next(a for a in after.alternatives if a["framework"] == "f2")
    assert f2["pairwise_comparisons"] == 30 and f2["pairwise_interval"][0] > 0
