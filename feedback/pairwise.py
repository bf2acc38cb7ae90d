"""Bradley-Terry strengths from pairwise judgments ("which of two outputs is better"), with 95%
intervals, the comparisons per item and the next pairs worth judging; pure (no ORM).

The model: P(i beats j) = 1 / (1 + exp(-(s_i - s_j))). A tie counts as half a win for each side
(the binomial log-likelihood with outcome 0.5). The strengths are the maximum a posteriori estimate
under a Normal(0, 1/PRIOR_PRECISION) prior, found by Newton's method on the aggregated win matrix:
the prior is worth less than half a comparison, enough that an undefeated item keeps a finite
strength (and a wide interval) instead of going to infinity. The prior also pins the scale's
origin: the strengths sum to zero, so a strength is relative to the average item. Intervals come
from the curvature at the estimate (Laplace approximation: the inverse of the Fisher information
plus the prior precision), for the strengths less their mean."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass

import numpy as np
from scipy.special import expit

PRIOR_PRECISION = 0.1  # one comparison of equals carries 0.25: the prior weighs 0.4 of one
Z95 = 1.959963984540054
VERDICTS = ("a", "b", "tie")  # a: the left output is better; b: the right one


_sigmoid = expit  # 1 / (1 + exp(-x)), without overflow


def win_matrix(items: list[Hashable], comparisons: Iterable[tuple]) -> np.ndarray:
    """wins[i, j] = times items[i] beat items[j], a tie adding a half to both; comparisons are
    (left, right, verdict, count) with verdict a, b or tie. A comparison of an item with itself
    or with an item not in ``items`` tells nothing here and is left out."""
    index = {item: i for i, item in enumerate(items)}
    wins = np.zeros((len(items), len(items)))
    for left, right, verdict, count in comparisons:
        i, j = index.get(left), index.get(right)
        if i is None or j is None or i == j:
            continue
        if verdict == "a":
            wins[i, j] += count
        elif verdict == "b":
            wins[j, i] += count
        else:
            wins[i, j] += count / 2
            wins[j, i] += count / 2
    return wins


@dataclass
class BradleyTerryFit:
    """Strengths (log-odds of beating the average item), their covariance and the data behind them."""

    items: list
    strength: np.ndarray
    covariance: np.ndarray
    information: np.ndarray  # the Fisher information of the judgments alone (no prior)
    wins: np.ndarray

    @property
    def comparisons(self) -> np.ndarray:
        return (self.wins + self.wins.T).sum(axis=1)

    @property
    def total(self) -> float:
        return float(np.triu(self.wins + self.wins.T, 1).sum())

    def index(self, item) -> int | None:
        return self.items.index(item) if item in self.items else None

    def table(self) -> list[dict]:
        """One row per item, strongest first; items without comparisons last, without figures."""
        sd = np.sqrt(np.diag(self.covariance))
        rows = []
        for i, item in enumerate(self.items):
            n = self.comparisons[i]
            row = {"item": item, "comparisons": int(round(n)), "wins": float(self.wins[i].sum())}
            if n > 0:
                low, high = self.strength[i] - Z95 * sd[i], self.strength[i] + Z95 * sd[i]
                row.update(
                    strength=float(self.strength[i]),
                    interval=[float(low), float(high)],
                    beats_average=float(_sigmoid(self.strength[i])),
                    beats_average_interval=[float(_sigmoid(low)), float(_sigmoid(high))],
                    win_share=float(self.wins[i].sum() / n),
                )
            else:
                row.update(strength=None, interval=None, beats_average=None, beats_average_interval=None)
            rows.append(row)
        rows.sort(key=lambda r: (r["strength"] is None, -(r["strength"] or 0.0)))
        return rows


def fit_bradley_terry(
    items: list[Hashable], wins: np.ndarray, *, prior_precision: float = PRIOR_PRECISION, start=None
) -> BradleyTerryFit:
    """The MAP strengths of ``items`` from their win matrix (Newton's method, a few steps)."""
    k = len(items)
    if k == 0:
        empty = np.zeros((0, 0))
        return BradleyTerryFit([], np.zeros(0), empty, empty, empty)
    wins = np.asarray(wins, dtype=float).reshape(k, k)
    games = wins + wins.T
    theta = np.zeros(k) if start is None else np.array(start, dtype=float)
    eye = np.eye(k)
    for _ in range(100):
        p = _sigmoid(theta[:, None] - theta[None, :])
        gradient = (wins - games * p).sum(axis=1) - prior_precision * theta
        weight = games * p * (1 - p)
        information = np.diag(weight.sum(axis=1)) - weight
        step = np.linalg.solve(information + prior_precision * eye, gradient)
        theta += step
        if np.max(np.abs(step)) < 1e-9:
            break
    p = _sigmoid(theta[:, None] - theta[None, :])
    weight = games * p * (1 - p)
    information = np.diag(weight.sum(axis=1)) - weight
    # A strength is relative to the average item: its covariance is that of the centred strengths
    # (without this, the prior's freedom to shift all strengths at once would widen every interval).
    centre = eye - 1.0 / k
    covariance = centre @ np.linalg.inv(information + prior_precision * eye) @ centre
    return BradleyTerryFit(list(items), theta, covariance, information, wins)


def fit_comparisons(comparisons: list[tuple], items: Iterable[Hashable] = (), **kwargs) -> BradleyTerryFit:
    """Fit from (left, right, verdict, count) tuples; ``items`` adds items that may have none."""
    known = list(dict.fromkeys([*items, *(c[0] for c in comparisons), *(c[1] for c in comparisons)]))
    return fit_bradley_terry(known, win_matrix(known, comparisons), **kwargs)


def suggest_pairs(fit: BradleyTerryFit, limit: int = 5) -> list[dict]:
    """The pairs whose next judgment would shrink the strengths' uncertainty most: the drop of the
    summed variances (trace of the covariance) one more comparison of i and j would bring,
    w * |C (e_i - e_j)|^2 / (1 + w * Var(s_i - s_j)) with w = p (1 - p) at the current strengths;
    close strengths (w near 1/4) and a wide difference both count, as a few comparisons do."""
    k = len(fit.items)
    games = fit.wins + fit.wins.T
    rows = []
    for i in range(k):
        for j in range(i + 1, k):
            x = np.zeros(k)
            x[i], x[j] = 1.0, -1.0
            cx = fit.covariance @ x
            variance = float(x @ cx)
            p = float(_sigmoid(fit.strength[i] - fit.strength[j]))
            w = p * (1 - p)
            gain = w * float(cx @ cx) / (1 + w * variance)
            rows.append(
                {
                    "left": fit.items[i],
                    "right": fit.items[j],
                    "left_wins": p,
                    "difference_sd": variance**0.5,
                    "comparisons": int(round(games[i, j])),
                    "variance_drop": gain,
                }
            )
    rows.sort(key=lambda r: -r["variance_drop"])
    return rows[:limit]
