"""Pattern analysis: tags, success rule, rates with intervals, distinctive phrases, advice."""

import numpy as np
import pandas as pd
import pytest

from core.stats import wilson_interval as wilson_bounds
from feedback.analysis import (
    InsufficientData,
    SuccessRule,
    analyze,
    distinctive_phrases,
    entries_frame,
    normalise_tag,
    normalise_tags,
    prompt_counts,
    success_mask,
)


def _entry(prompt, rating, thumbs=0, tags=(), framework="", model=""):
    return {
        "prompt": prompt,
        "rating": rating,
        "thumbs": thumbs,
        "tags": list(tags),
        "framework": framework,
        "model": model,
    }


@pytest.mark.parametrize(
    "raw", ["Code Review", "code-review", " code_review ", "CODE   REVIEW", "code--review!"]
)
def test_tag_spellings_become_one_tag(raw):
    assert normalise_tag(raw) == "code-review"


def test_tags_from_a_comma_list_are_normalised_and_deduplicated():
    assert normalise_tags("Code Review, code-review,, Technical ") == ["code-review", "technical"]


def test_success_is_a_high_rating_or_a_thumbs_up():
    ratings = np.array([5, 4, 3, 2, 1])
    thumbs = np.array([0, -1, 1, 0, 0])
    assert success_mask(ratings, thumbs).tolist() == [True, True, True, False, False]


def test_success_rule_can_ignore_thumbs_and_raise_the_bar():
    rule = SuccessRule(min_rating=5, thumbs_up_counts=False)
    assert success_mask([5, 4, 3], [0, 1, 1], rule).tolist() == [True, False, False]


def test_wilson_interval_matches_the_textbook_value():
    low, high = wilson_bounds(8, 10)
    assert low == pytest.approx(0.4902, abs=1e-4)
    assert high == pytest.approx(0.9433, abs=1e-4)


def test_too_few_entries_raise_insufficient_data_with_count_and_threshold():
    frame = entries_frame([_entry("a", 5), _entry("b", 1)])
    with pytest.raises(InsufficientData) as info:
        analyze(frame, min_samples=5)
    assert info.value.count == 2 and info.value.threshold == 5
    assert "insufficient feedback data" in str(info.value)


def _mixed_frame():
    rows = []
    for i in range(30):  # chain-of-thought works on analytical work, less on creative work
        rows.append(_entry(f"analyse step by step case {i}", 5, 1, ["Analytical"], "cot", "m1"))
    for i in range(30):
        ok = i < 9
        rows.append(_entry(f"write a story quickly {i}", 4 if ok else 2, 0, ["creative"], "cot", "m1"))
    for i in range(6):
        rows.append(_entry(f"zero shot {i}", 2, -1, ["creative"], "zero-shot", "m2"))
    rows.append(_entry("rare", 5, 1, ["one-off"], "other", "m3"))
    return entries_frame([{**r, "tags": normalise_tags(r["tags"])} for r in rows])


def test_rates_by_tag_framework_and_model_carry_n_and_interval():
    result = analyze(_mixed_frame(), min_samples=5)
    analytical = result["tag_performance"]["analytical"]
    assert analytical["n"] == 30 and analytical["success_rate"] == 1.0
    assert 0.88 < analytical["interval_low"] < 1.0
    assert analytical["interval_high"] == pytest.approx(1.0)
    assert result["framework_performance"]["cot"]["n"] == 60
    assert result["model_performance"]["m2"]["success_rate"] == 0.0


def test_groups_below_the_minimum_sample_size_are_hidden():
    result = analyze(_mixed_frame(), min_samples=5)
    assert "one-off" not in result["tag_performance"]
    assert "other" not in result["framework_performance"]
    assert result["hidden_groups"]["framework"] == 1


def test_recommendation_names_the_framework_tag_gap_with_counts():
    result = analyze(_mixed_frame(), min_samples=5)
    text = " ".join(result["recommendations"])
    assert "cot succeeds 100% on 'analytical' tags but 30% on 'creative' tags (n=30, 30)" in text


def test_distinctive_phrases_separate_successful_and_failed_wording():
    result = analyze(_mixed_frame(), min_samples=5)
    positive = [row["phrase"] for row in result["common_positive_patterns"]]
    negative = [row["phrase"] for row in result["common_negative_patterns"]]
    assert any("analyse" in p or "step" in p for p in positive)
    assert "story" in negative or "quickly" in negative
    row = result["common_positive_patterns"][0]
    assert row["success_count"] > row["failure_count"] and row["z"] > 1.96


def test_random_wording_yields_no_pattern():
    rng = np.random.default_rng(3)
    words = np.array("alpha beta gamma delta epsilon zeta eta theta iota kappa".split())
    prompts = pd.Series([" ".join(rng.choice(words, 6)) for _ in range(3000)])
    success = rng.random(3000) < 0.5
    result = distinctive_phrases(prompts, success)
    assert result["positive"] == [] and result["negative"] == []


def test_grouped_rows_with_counts_give_the_same_analysis_as_single_entries():
    frame = _mixed_frame()
    rule_success = success_mask(frame["rating"].to_numpy(), frame["thumbs"].to_numpy())
    prompts = prompt_counts(frame["prompt"], rule_success)
    keys = ["framework", "model", "rating", "thumbs"]
    grouped = (
        frame.assign(tag_key=frame["tags"].map(tuple))
        .groupby(keys + ["tag_key"])
        .size()
        .rename("count")
        .reset_index()
    )
    grouped["tags"] = grouped["tag_key"].map(list)
    assert analyze(grouped, min_samples=5, prompts=prompts) == analyze(frame, min_samples=5)
