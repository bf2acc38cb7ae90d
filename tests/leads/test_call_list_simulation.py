"""The call list's learning loop, simulated (pure, seeded): following only the top of the list
biases what the model learns; exploration with inverse-probability weights keeps it unbiased."""

import pytest

from leads.scoring.simulation import SimulationSettings, simulate_call_list_learning


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_top_only_loses_auc_while_weighted_exploration_stays_near_a_random_sample(seed):
    result = simulate_call_list_learning(SimulationSettings(seed=seed))
    top_only = result.final("top only")
    weighted = result.final("exploration + IPW")
    random_sample = result.final("random sample")
    assert len(result.auc["top only"]) == 20
    # (a) learning only from the followed-up leads loses AUC over all leads
    assert top_only < random_sample - 0.015, result.auc
    # (b) exploration at 10% with inverse-probability weights stays within 0.02 of (c)
    assert abs(weighted - random_sample) <= 0.02, result.auc
    assert weighted > top_only
    # the same outcomes without the weights do not recover: the weights matter
    assert result.final("exploration, unweighted") < random_sample - 0.01, result.auc
    assert result.explored == 20 * 20


def test_the_simulation_is_reproducible():
    settings = SimulationSettings(seed=4, rounds=3, batch=500, list_size=50, evaluation_leads=1000)
    assert simulate_call_list_learning(settings).auc == simulate_call_list_learning(settings).auc
