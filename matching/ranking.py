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
    """Weighted score of each candidate: sum of weight x standardised factor (+ its own effect)."""
    z = standardiser.transform(np.asarray(values, dtype=float).reshape(-1, len(standardiser.names)))
    u = z @ np.asarray(weights, dtype=float)
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

    Contributions are measured against the average candidate of this list, so they say why a
    candidate is above or below the others shown. Ties keep the input order.
    """
    values = np.asarray(values, dtype=float).reshape(-1, len(standardiser.names))
    n = len(values)
    if n == 0:
        return []
    weights = np.asarray(weights, dtype=float)
    z = standardiser.transform(values)
    parts = z * weights
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
    labels = labels or {}
    directions = dict(zip(standardiser.names, standardiser.direction, strict=True))
    ranked = []
    for place, i in enumerate(order, start=1):
        contributions = {c: float(relative[i, k]) for k, c in enumerate(columns)}
        ranked.append(
            RankedCandidate(
                index=int(i),
                rank=place,
                score=float(score[i]),
                probability=float(prob[i]),
                contributions=contributions,
                explanation=explain(
                    place,
                    n,
                    contributions,
                    directions,
                    weights_by_name(columns, weights),
                    labels,
                ),
            )
        )
    return ranked


def weights_by_name(columns: list[str], weights: np.ndarray) -> dict[str, float]:
    return {c: float(w) for c, w in zip(columns, weights, strict=False)}


def _phrase(
    name: str,
    contribution: float,
    direction: float,
    weight: float,
    labels: dict[str, str],
) -> str:
    label = labels.get(name, name.replace("_", " "))
    if name == CANDIDATE_EFFECT:
        return (
            "chosen more often than its factors predict"
            if contribution > 0
            else "chosen less often than its factors predict"
        )
    # the sign of weight x (oriented value - average) tells whether the raw value is high or low
    good_side = (contribution > 0) == (weight >= 0)
    raw_high = good_side == (direction > 0)
    return f"{'higher' if raw_high else 'lower'} {label}"


def explain(
    rank: int,
    n: int,
    contributions: dict[str, float],
    directions: dict[str, float],
    weights: dict[str, float],
    labels: dict[str, str] | None = None,
    threshold: float = 0.05,
) -> str:
    """Say in words which factors lift a candidate above the list average and which hold it back."""
    labels = labels or {}
    helps = sorted(((v, k) for k, v in contributions.items() if v > threshold), reverse=True)
    hurts = sorted((v, k) for k, v in contributions.items() if v < -threshold)

    def phrases(items):
        return ", ".join(
            f"{_phrase(k, v, directions.get(k, 1.0), weights.get(k, 1.0), labels)} ({v:+.2f})"
            for v, k in items[:3]
        )

    sentences = [f"Ranked {rank} of {n}."]
    if helps:
        sentences.append(f"Ahead of the average option on: {phrases(helps)}.")
    if hurts:
        sentences.append(f"Held back by: {phrases(hurts)}.")
    if not helps and not hurts:
        sentences.append("Close to the average option on every factor.")
    return " ".join(sentences)
