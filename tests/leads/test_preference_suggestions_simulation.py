"""The loop 1 simulation (pure, seeded): with near-miss exploration and the suggestions applied, the
kept leads' useful rate gets within 5 points of the best preferences; without exploration the
industry the preferences leave out is never found."""

from leads.preference_simulation import simulate

RUNS = 60


def test_with_exploration_the_kept_leads_get_within_five_points_of_the_best():
    result = simulate(runs=RUNS, seed=17)
    assert result.found("Healthcare") and not result.found("Retail")
    assert result.runs_to_within(5.0) is not None and result.runs_to_within(5.0) <= RUNS
    assert result.final_gap <= 5.0
    assert 100 * (result.best_rate - result.start_rate) > 10  # the start really was off


def test_without_exploration_the_too_strict_criterion_is_never_found():
    result = simulate(runs=RUNS, seed=17, exploration_share=0.0)
    assert result.explored == 0
    assert not result.found("Healthcare")
    assert not result.found("Retail")  # the too-loose one is found from the kept leads alone
    assert result.runs_to_within(5.0) is None and result.final_gap > 5.0
