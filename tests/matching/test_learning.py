"""The conditional logit recovers known weights, shrinks segments and handles position bias."""

import numpy as np
import pandas as pd
import pytest

from matching.learning import (
    ChoiceModel,
    ChoiceSet,
    choice_set_from_frame,
    fit_choice_model,
)

SEGMENTS = np.array(["price_sensitive", "quality_focused", "balanced"])


def simulate(
    n_sessions,
    true_w,
    *,
    n_alts=4,
    n_alternatives=6,
    alt_effects=None,
    position=0.0,
    segment_w=None,
    seed=0,
):
    """Choices drawn from a known conditional logit (Gumbel noise)."""
    rng = np.random.default_rng(seed)
    k = len(true_w)
    rows = n_sessions * n_alts
    values = rng.normal(size=(rows, k)) * np.arange(1, k + 1) * 3 + 10
    alt = rng.random((n_sessions, n_alternatives)).argsort(axis=1)[:, :n_alts].ravel()  # distinct per session
    rank = np.tile(np.arange(1, n_alts + 1), n_sessions).astype(float)
    session = np.repeat(np.arange(n_sessions), n_alts)
    segment = SEGMENTS[rng.integers(0, len(SEGMENTS), n_sessions)]
    w_rows = np.tile(np.asarray(true_w, float), (rows, 1))
    if segment_w:
        for label, w in segment_w.items():
            w_rows[(segment == label)[session]] = w
    u = (values * w_rows).sum(axis=1) - position * np.log(rank) + rng.gumbel(size=rows)
    if alt_effects is not None:
        u += np.asarray(alt_effects)[alt]
    chosen = np.zeros(rows, bool)
    chosen[u.reshape(n_sessions, n_alts).argmax(axis=1) + np.arange(n_sessions) * n_alts] = True
    return ChoiceSet(
        values=values,
        session=session,
        chosen=chosen,
        factor_names=[f"f{i}" for i in range(k)],
        alternative=alt,
        alternative_names=[f"a{i}" for i in range(n_alternatives)],
        rank=rank,
        segment=segment,
    )


def raw_weights(model, ws):
    std = model.standardiser
    return ws.weight_vector(std.names) * std.direction / std.scale


def test_recovers_known_weights_within_standard_errors():
    true_w = np.array([0.4, -0.15, 0.0])
    data = simulate(4000, true_w, seed=1)
    model = fit_choice_model(data, position_bias=False, alternative_effects=False)
    w = raw_weights(model, model.global_weights)
    se = np.array([model.global_weights.factor_se[n] for n in data.factor_names]) / model.standardiser.scale
    assert np.all(np.abs(w - true_w) < 4 * se)
    assert se[0] > 0


def test_lower_is_better_gives_positive_weight_for_preferring_low_values():
    data = simulate(1500, [-0.3, 0.2], seed=2)
    model = fit_choice_model(data, [False, True], position_bias=False)
    assert model.global_weights.factor_weights["f0"] > 0
    assert model.global_weights.factor_weights["f1"] > 0


def test_alternative_effects_found_for_preferred_candidates():
    effects = np.array([1.0, 0, 0, 0, 0, -1.0])
    data = simulate(3000, [0.2, 0.0], alt_effects=effects, seed=3)
    model = fit_choice_model(data, position_bias=False)
    fitted = model.global_weights.alternative_effects
    assert fitted["a0"] - fitted["a5"] == pytest.approx(2.0, abs=0.4)


def test_position_bias_is_separated_from_factor_weights():
    # the first-displayed item is picked more often regardless of its factors
    data = simulate(4000, [0.3, 0.0], position=0.8, seed=4)
    model = fit_choice_model(data, alternative_effects=False)
    ws = model.global_weights
    assert ws.position_weight > 3 * ws.position_se
    assert abs(raw_weights(model, ws)[1]) < 4 * ws.factor_se["f1"] / model.standardiser.scale[1]


def test_small_segment_is_shrunk_toward_global_weights():
    data = simulate(3000, [0.3, 0.1], seed=5)
    small = data.subset(np.r_[np.ones(3000, bool)])
    # relabel 15 sessions as a tiny segment whose choices are noise
    small.segment = small.segment.copy()
    small.segment[:15] = "tiny"
    model = fit_choice_model(small, position_bias=False, alternative_effects=False, segment_shrinkage=10.0)
    g = model.global_weights.weight_vector(data.factor_names)
    t = model.segment_weights["tiny"].weight_vector(data.factor_names)
    unshrunk = fit_choice_model(
        small.subset(small.segment == "tiny"),
        position_bias=False,
        alternative_effects=False,
    )
    u = unshrunk.global_weights.weight_vector(data.factor_names)
    assert np.linalg.norm(t - g) < np.linalg.norm(u - g)
    assert model.segment_weights["tiny"].n_sessions == 15


def test_large_segment_learns_its_own_weights():
    data = simulate(6000, [0.3, 0.0], segment_w={"price_sensitive": [0.0, 0.4]}, seed=6)
    model = fit_choice_model(data, position_bias=False, alternative_effects=False)
    seg = model.segment_weights["price_sensitive"].factor_weights
    other = model.segment_weights["quality_focused"].factor_weights
    assert seg["f1"] > seg["f0"]
    assert other["f0"] > other["f1"]


def test_weights_for_falls_back_below_minimum_sample_size():
    data = simulate(300, [0.3, 0.1], seed=7)
    model = fit_choice_model(data)
    assert model.weights_for("balanced", 50).segment == "balanced"
    assert model.weights_for("balanced", 200).segment == ""
    assert model.weights_for("unknown", 50).segment == ""
    assert model.weights_for("balanced", 1000) is None


def test_confidence_grows_with_sample_size():
    small = fit_choice_model(simulate(40, [0.2, 0.1], seed=8)).global_weights.confidence
    large = fit_choice_model(simulate(3000, [0.2, 0.1], seed=8)).global_weights.confidence
    assert 0 <= small < large <= 1


def test_model_round_trips_through_a_dict():
    model = fit_choice_model(simulate(200, [0.2, 0.1], seed=9))
    again = ChoiceModel.from_dict(model.to_dict())
    assert again.global_weights == model.global_weights
    assert ChoiceModel.from_dict({"format_version": -1}) is None


def test_frame_import_drops_sessions_that_cannot_inform_the_model():
    frame = pd.DataFrame(
        {
            "session_id": [1, 1, 2, 2, 3, 3, 4],
            "alternative": ["a", "b", "a", "b", "a", "b", "a"],
            "chosen": [1, 0, 0, 0, 1, 1, 1],
            "price": [1.0, np.nan, 2.0, 3.0, 1.0, 2.0, 5.0],
        }
    )
    data, report = choice_set_from_frame(frame)
    assert data.n_sessions == 1
    assert report["sessions_without_choice"] == 1
    assert report["sessions_with_several_choices"] == 1
    assert report["sessions_with_one_candidate"] == 1
    assert report["missing_values_filled"] == 1
    assert np.isfinite(data.values).all()


def test_skewed_factor_gets_a_log_feature_only_when_choices_support_it():
    rng = np.random.default_rng(11)
    n, j = 3000, 4
    price = rng.lognormal(3, 1, size=n * j)
    session = np.repeat(np.arange(n), j)

    def chosen_by(u):
        u = u + rng.gumbel(size=n * j)
        chosen = np.zeros(n * j, bool)
        chosen[u.reshape(n, j).argmax(axis=1) + np.arange(n) * j] = True
        return chosen

    relative = ChoiceSet(price[:, None], session, chosen_by(-1.5 * np.log(price)), ["price"])
    absolute = ChoiceSet(price[:, None], session, chosen_by(-0.02 * price), ["price"])
    assert fit_choice_model(relative, [False]).options["log_scale"] == ["price"]
    assert fit_choice_model(absolute, [False]).options["log_scale"] == []
    model = fit_choice_model(relative, [False])
    assert set(model.global_weights.factor_weights) == {"price", "price (log)"}


def test_weights_do_not_depend_on_session_order_or_shifted_factor_values():
    data = simulate(400, [0.3, -0.1], seed=12)
    model = fit_choice_model(data, alternative_effects=False, position_bias=False)
    order = np.random.default_rng(0).permutation(data.n_sessions)
    rows = np.concatenate([np.flatnonzero(data.session == s) for s in order])
    new_code = np.empty(data.n_sessions, int)
    new_code[order] = np.arange(data.n_sessions)
    shuffled = ChoiceSet(
        values=data.values[rows] + 1000.0,  # a constant shift changes nothing in a choice model
        session=new_code[data.session[rows]],
        chosen=data.chosen[rows],
        factor_names=data.factor_names,
    )
    again = fit_choice_model(shuffled, alternative_effects=False, position_bias=False)
    assert np.allclose(
        model.global_weights.weight_vector(data.factor_names),
        again.global_weights.weight_vector(data.factor_names),
        atol=1e-4,
    )
