"""Rank candidates by a weighted score over standardised factors and explain each place in words."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matching.learning import Standardiser


@dataclass
class RankedCandidate:
    index: int  # position of the candidate in the input
    rank: int  # 1 = recommended first
    score: float  # utility relative to the list average; the contributions add up to it
    probability: float  # the model's chance that this one is chosen from the list
    contributions: dict[str, float]  # per factor (and "candidate effect"), relative to the list average
    explanation: str


CANDIDATE_EFFECT = "candidate effect"


def utilities(
    values: np.ndarray, standardiser: Standardiser, weights: np.ndarray, effects=None
) -> np.ndarray:
    """Weighted score of each candidate: sum of weight x standardised feature (+ its own effect)."""
    u = standardiser.transform(values) @ np.asarray(weights, dtype=float)
    if effects is not None:
        u = u + np.asarray(effects, dtype=float)
    return u


def rank_candidates(
    values: np.ndarray,
    standardiser: Standardiser,
    weights: np.ndarray,
    effects=None,
    labels: dict[str, str] | None = None,
) -> list[RankedCandidate]:
    """Candidates in recommended order, each with its factor contributions and an explanation.

    `weights` has one entry per feature of the standardiser (a factor's log feature, if any,
    counts toward that factor). Contributions are measured against the average candidate of this
    list, so they say why a candidate is above or below the others shown. Ties keep input order.
    """
    values = np.asarray(values, dtype=float).reshape(-1, len(standardiser.names))
    n = len(values)
    if n == 0:
        return []
    features = standardiser.transform(values) * np.asarray(weights, dtype=float)
    # sum each factor's features (linear and log) into one contribution per factor
    to_factor = np.zeros((features.shape[1], len(standardiser.names)))
    to_factor[np.arange(features.shape[1]), standardiser.feature_factor] = 1.0
    parts = features @ to_factor
    columns = list(standardiser.names)
    if effects is not None:
        parts = np.column_stack([parts, np.asarray(effects, dtype=float)])
        columns.append(CANDIDATE_EFFECT)
    parts = np.nan_to_num(parts, nan=0.0, posinf=0.0, neginf=0.0)
    relative = parts - parts.mean(axis=0)
    score = relative.sum(axis=1)
    shifted = score - score.max()
    prob = np.exp(shifted) / np.exp(shifted).sum()
    order = np.argsort(-score, kind="stable")
    above_average = values > values.mean(axis=0)
    ranked = []
    for place, i in enumerate(order, start=1):
        contributions = {c: float(relative[i, k]) for k, c in enumerate(columns)}
        raw_high = {name: bool(above_average[i, k]) for k, name in enumerate(standardiser.names)}
        ranked.append(
            RankedCandidate(
                index=int(i),
                rank=place,
                score=float(score[i]),
                probability=float(prob[i]),
                contributions=contributions,
                explanation=explain(place, n, contributions, raw_high, labels),
            )
        )
    return ranked


def _phrase(name: str, contribution: float, raw_high: dict[str, bool], labels: dict[str, str]) -> str:
    if name == CANDIDATE_EFFECT:
        return (
            "chosen more often than its factors predict"
            if contribution > 0
            else "chosen less often than its factors predict"
        )
    label = labels.get(name, name.replace("_", " "))
    return f"{'higher' if raw_high.get(name) else 'lower'} {label}"


def explain(
    rank: int,
    n: int,
    contributions: dict[str, float],
    raw_high: dict[str, bool],
    labels: dict[str, str] | None = None,
    threshold: float = 0.05,
) -> str:
    """Say in words which factors lift a candidate above the list average and which hold it back.

    `raw_high` says per factor whether the candidate's value is above the list's average, so the
    words name the value ("lower price") whatever the direction of the factor.
    """
    labels = labels or {}
    helps = sorted(((v, k) for k, v in contributions.items() if v > threshold), reverse=True)
    hurts = sorted((v, k) for k, v in contributions.items() if v < -threshold)

    def phrases(items):
        return ", ".join(f"{_phrase(k, v, raw_high, labels)} ({v:+.2f})" for v, k in items[:3])

    sentences = [f"Ranked {rank} of {n} candidates."]
    if helps:
        sentences.append(f"Ahead of the average option on: {phrases(helps)}.")
    if hurts:
        sentences.append(f"Held back by: {phrases(hurts)}.")
    if not helps and not hurts:
        sentences.append("Close to the average option on every factor.")
    return " ".join(sentences)


def _importance_words(value: float, top: float) -> str:
    if value >= 4 and value >= top:
        return "matters most"
    if value >= 4:
        return "matters a lot"
    if value <= 2:
        return "matters little"
    return "matters somewhat"


def stated_note(
    rank: int,
    rank_without: int,
    parts: dict[str, float],
    stated: dict[str, float],
    labels: dict[str, str] | None = None,
) -> str:
    """A sentence when the customer's stated priorities moved a candidate: the rank with them, the
    rank without them, and the stated priority whose part (`parts`: per factor, the score the
    stated priorities added, relative to the list average) pushed most in the direction it moved.
    "" when the rank did not move."""
    if rank == rank_without:
        return ""
    labels = labels or {}
    up = rank < rank_without
    said = {k: v for k, v in stated.items() if v == v and k in parts}  # stated (not NaN)
    pushing = sorted(
        ((v if up else -v, k) for k, v in parts.items() if k in said and (v > 0 if up else v < 0)),
        reverse=True,
    )
    direction = "up" if up else "down"
    moved = f"Ranked {direction} from {rank_without} to {rank}"
    top = max(said.values()) if said else 0
    if not pushing:
        if not said:
            return f"{moved} by your stated priorities."
        key = max(said, key=lambda k: (said[k], abs(parts.get(k, 0.0))))
        label = labels.get(key, key.replace("_", " "))
        return (
            f"{moved}: others {'fell' if up else 'rose'} more on {label}, which you said "
            f"{_importance_words(said[key], top)} ({said[key]:g}/5)."
        )
    reasons = [
        f"{labels.get(key, key.replace('_', ' '))} {_importance_words(said[key], top)} ({said[key]:g}/5)"
        for _push, key in pushing[:2]
    ]
    return f"{moved} because you said {' and '.join(reasons)}."
