"""Learn factor weights from customer choices with a conditional logit, per segment with shrinkage
(pure numpy/scipy/pandas, no Django; the model is described in docs/matching.md)."""

from __future__ import annotations

import functools
import math
from dataclasses import asdict, dataclass, field, replace

import numpy as np
import pandas as pd
from scipy import optimize, sparse, special
from threadpoolctl import threadpool_limits

FORMAT_VERSION = 1
GLOBAL = ""  # the segment key of the all-segments weights

STATED_PREFIX = "stated_"  # a column `stated_<factor>`: a session's stated importance of that factor, 1-5
ANSWERED_PREFIX = "answered_"  # a column `answered_<factor>`: 1 when named as what mattered most
RESERVED_COLUMNS = (
    "session_id",
    "alternative",
    "chosen",
    "segment",
    "rank",
    "displayed_rank",
)


@dataclass
class ChoiceSet:
    """Long-format choices: one row per (session, candidate); a session's rows are contiguous."""

    values: np.ndarray  # (rows, K) raw factor values
    session: np.ndarray  # (rows,) session code 0..S-1, non-decreasing
    chosen: np.ndarray  # (rows,) bool, exactly one True per session
    factor_names: list[str]
    alternative: np.ndarray | None = None  # (rows,) code into alternative_names
    alternative_names: list[str] = field(default_factory=list)
    rank: np.ndarray | None = None  # (rows,) displayed rank, 1 = top of the list
    segment: np.ndarray | None = None  # (S,) segment label per session
    session_ids: np.ndarray | None = None  # (S,) original session ids
    # the customer's stated importance 1-5 per factor, NaN where not stated: (S, K)
    stated: np.ndarray | None = None
    # the factors named as "what mattered most" with the choice (known only after it): (S, K) bool
    answered: np.ndarray | None = None

    @property
    def n_sessions(self) -> int:
        return int(self.session[-1]) + 1 if len(self.session) else 0

    @property
    def starts(self) -> np.ndarray:
        return np.flatnonzero(np.r_[True, self.session[1:] != self.session[:-1]])

    @property
    def sizes(self) -> np.ndarray:
        return np.diff(np.r_[self.starts, len(self.session)])

    def subset(self, session_mask: np.ndarray) -> ChoiceSet:
        """The sessions where `session_mask` (length S) is True, renumbered from 0."""
        session_mask = np.asarray(session_mask, dtype=bool)
        rows = session_mask[self.session]
        new_codes = np.cumsum(session_mask) - 1
        return ChoiceSet(
            values=self.values[rows],
            session=new_codes[self.session[rows]],
            chosen=self.chosen[rows],
            factor_names=list(self.factor_names),
            alternative=None if self.alternative is None else self.alternative[rows],
            alternative_names=list(self.alternative_names),
            rank=None if self.rank is None else self.rank[rows],
            segment=None if self.segment is None else self.segment[session_mask],
            session_ids=None if self.session_ids is None else self.session_ids[session_mask],
            stated=None if self.stated is None else self.stated[session_mask],
            answered=None if self.answered is None else self.answered[session_mask],
        )

    def without_stated(self) -> ChoiceSet:
        """The same choices with no stated priorities and no "what mattered most" answers."""
        return replace(self, stated=None, answered=None)


def choice_set_from_frame(
    frame: pd.DataFrame,
    factor_columns: list[str] | None = None,
    *,
    session_column: str = "session_id",
    alternative_column: str | None = "alternative",
    chosen_column: str = "chosen",
    rank_column: str | None = None,
    segment_column: str | None = None,
    stated_columns: dict[str, str] | None = None,
    answered_columns: dict[str, str] | None = None,
) -> tuple[ChoiceSet, dict]:
    """Build a ChoiceSet from a long data frame, with a report of what was dropped and why.

    Sessions without exactly one chosen row or with fewer than two candidates cannot inform a
    choice model and are dropped; missing or infinite factor values are replaced by the factor's
    median so one bad cell does not lose a session. `stated_columns` maps a factor to the column
    holding the session's stated importance of it (1-5, read on the session's first row; anything
    else is "not stated"); `answered_columns` a factor to a column that is 1 when the customer
    named it as what mattered most.
    """
    for column in (session_column, chosen_column):
        if column not in frame.columns:
            raise ValueError(f"missing column {column!r}")
    if factor_columns is None:
        factor_columns = [
            c
            for c in frame.columns
            if c not in RESERVED_COLUMNS
            and c
            not in (
                session_column,
                alternative_column,
                chosen_column,
                rank_column,
                segment_column,
            )
            and not str(c).startswith((STATED_PREFIX, ANSWERED_PREFIX))
            and pd.api.types.is_numeric_dtype(frame[c])
        ]
    if not factor_columns:
        raise ValueError("no numeric factor columns")
    frame = frame.reset_index(drop=True)
    values = frame[factor_columns].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float, copy=True)
    values[~np.isfinite(values)] = np.nan
    missing_cells = int(np.isnan(values).sum())
    medians = np.nanmedian(np.where(np.isnan(values).all(axis=0), 0.0, values), axis=0)
    medians = np.where(np.isfinite(medians), medians, 0.0)
    values = np.where(np.isnan(values), medians, values)
    chosen = pd.to_numeric(frame[chosen_column], errors="coerce").fillna(0).to_numpy() > 0
    session_keys = frame[session_column].astype(str).to_numpy()
    codes, uniques = pd.factorize(session_keys, sort=False)
    n_chosen = np.bincount(codes, weights=chosen.astype(float), minlength=len(uniques))
    n_rows = np.bincount(codes, minlength=len(uniques))
    keep_session = (n_chosen == 1) & (n_rows >= 2)
    report = {
        "rows": len(frame),
        "sessions": len(uniques),
        "sessions_without_choice": int((n_chosen == 0).sum()),
        "sessions_with_several_choices": int((n_chosen > 1).sum()),
        "sessions_with_one_candidate": int(((n_rows < 2) & (n_chosen == 1)).sum()),
        "missing_values_filled": missing_cells,
    }
    rows = keep_session[codes]
    order = np.argsort(codes[rows], kind="stable")
    row_index = np.flatnonzero(rows)[order]
    kept_codes = codes[row_index]
    new_code = np.full(len(uniques), -1)
    kept_sessions = np.flatnonzero(keep_session)
    new_code[kept_sessions] = np.arange(len(kept_sessions))
    alternative = None
    alternative_names: list[str] = []
    if alternative_column and alternative_column in frame.columns:
        alt_codes, alt_uniques = pd.factorize(
            frame[alternative_column].astype(str).to_numpy()[row_index], sort=True
        )
        alternative = alt_codes
        alternative_names = [str(a) for a in alt_uniques]
    rank = None
    if rank_column and rank_column in frame.columns:
        rank = pd.to_numeric(frame[rank_column], errors="coerce").to_numpy(dtype=float)[row_index]
        rank = np.where(np.isfinite(rank) & (rank >= 1), rank, np.nan)
        if np.isnan(rank).all():
            rank = None
        else:
            rank = np.where(np.isnan(rank), np.nanmedian(rank), rank)
    first_row = np.zeros(len(uniques), dtype=int)
    first_row[codes[::-1]] = np.arange(len(codes))[::-1]
    segment = None
    if segment_column and segment_column in frame.columns:
        seg_rows = frame[segment_column].fillna("").astype(str).to_numpy()
        segment = seg_rows[first_row][kept_sessions]
    session_rows = first_row[kept_sessions]
    stated = _per_session_columns(frame, factor_columns, stated_columns, session_rows)
    if stated is not None:
        stated = np.where((stated >= 1) & (stated <= 5), stated, np.nan)
        if np.isnan(stated).all():
            stated = None
    answered = _per_session_columns(frame, factor_columns, answered_columns, session_rows)
    if answered is not None:
        answered = np.nan_to_num(answered, nan=0.0) > 0
        if not answered.any():
            answered = None
    data = ChoiceSet(
        values=values[row_index],
        session=new_code[kept_codes],
        chosen=chosen[row_index],
        factor_names=list(factor_columns),
        alternative=alternative,
        alternative_names=alternative_names,
        rank=rank,
        segment=segment,
        session_ids=uniques[kept_sessions],
        stated=stated,
        answered=answered,
    )
    report["sessions_used"] = data.n_sessions
    report["sessions_with_stated_priorities"] = (
        0 if stated is None else int(np.isfinite(stated).any(axis=1).sum())
    )
    report["sessions_with_mattered_most"] = 0 if answered is None else int(answered.any(axis=1).sum())
    return data, report


def _per_session_columns(frame, factor_columns, columns, session_rows) -> np.ndarray | None:
    """(sessions, factors) numbers read on each session's first row; NaN where no column or value."""
    if not columns:
        return None
    out = np.full((len(session_rows), len(factor_columns)), np.nan)
    for k, factor in enumerate(factor_columns):
        column = columns.get(factor)
        if column and column in frame.columns:
            numbers = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
            out[:, k] = numbers[session_rows]
    out[~np.isfinite(out)] = np.nan
    return out


def centred_stated(stated: np.ndarray | None, answered: np.ndarray | None, shape) -> np.ndarray:
    """Stated importance 1-5 per session and factor -> (importance - 3) / 2 in -1..1, 0 where not
    stated; a factor named as what mattered most counts as importance 5 where none was stated."""
    out = np.zeros(shape)
    if stated is not None:
        out = np.where(np.isfinite(stated), (np.clip(stated, 1, 5) - 3.0) / 2.0, 0.0)
    if answered is not None:
        unstated = np.ones(shape, bool) if stated is None else ~np.isfinite(stated)
        out = np.where(answered & unstated, 1.0, out)
    return out


@dataclass
class Standardiser:
    """Turn raw factor values into standardised features: each factor oriented so that higher is
    better, centred and scaled; factors flagged in `log` also get a second feature, their
    logarithm (values below `floor`, the smallest training value, are raised to it), so a skewed
    factor such as a price can matter both in absolute and in relative terms."""

    names: list[str]  # the factors
    direction: np.ndarray  # +1 higher is better, -1 lower is better, per factor
    mean: np.ndarray  # per feature
    scale: np.ndarray  # per feature
    log: np.ndarray | None = None  # bool per factor: add a log feature
    floor: np.ndarray | None = None  # per factor

    @property
    def log_flags(self) -> np.ndarray:
        return np.zeros(len(self.names), bool) if self.log is None else np.asarray(self.log, bool)

    @property
    def feature_names(self) -> list[str]:
        return list(self.names) + [
            f"{n} (log)" for n, flag in zip(self.names, self.log_flags, strict=True) if flag
        ]

    @property
    def feature_factor(self) -> np.ndarray:
        """For each feature, the index of its factor."""
        return np.r_[np.arange(len(self.names)), np.flatnonzero(self.log_flags)].astype(int)

    @classmethod
    def fit(cls, values: np.ndarray, names: list[str], higher_is_better, log=None) -> Standardiser:
        values = np.asarray(values, dtype=float).reshape(-1, len(names))
        direction = np.array([1.0 if h else -1.0 for h in higher_is_better])
        log = np.zeros(len(names), bool) if log is None else np.asarray(log, bool)
        floor = np.ones(len(names))
        if len(values) and log.any():
            positive = np.where(values > 0, values, np.inf).min(axis=0)
            floor = np.where(np.isfinite(positive), positive, 1.0)
        n_features = len(names) + int(log.sum())
        std = cls(list(names), direction, np.zeros(n_features), np.ones(n_features), log, floor)
        oriented = std._oriented(values)
        if len(oriented):
            std.mean = oriented.mean(axis=0)
            scale = oriented.std(axis=0)
            std.scale = np.where(np.isfinite(scale) & (scale > 1e-12), scale, 1.0)
        return std

    def _oriented(self, values: np.ndarray) -> np.ndarray:
        values = np.asarray(values, dtype=float).reshape(-1, len(self.names))
        flags = self.log_flags
        features = [values]
        if flags.any():
            features.append(np.log(np.maximum(values[:, flags], self.floor[flags])))
        return np.column_stack(features) * self.direction[self.feature_factor]

    def transform(self, values: np.ndarray) -> np.ndarray:
        return (self._oriented(values) - self.mean) / self.scale

    def to_dict(self) -> dict:
        return {
            "names": list(self.names),
            "direction": self.direction.tolist(),
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "log": self.log_flags.tolist(),
            "floor": (self.floor if self.floor is not None else np.ones(len(self.names))).tolist(),
        }

    @classmethod
    def from_dict(cls, d: dict) -> Standardiser:
        n = len(d["names"])
        return cls(
            list(d["names"]),
            np.array(d["direction"], float),
            np.array(d["mean"], float),
            np.array(d["scale"], float),
            np.array(d.get("log", [False] * n), bool),
            np.array(d.get("floor", [1.0] * n), float),
        )


@dataclass
class WeightSet:
    """One fitted weight set (all segments or one segment) with its uncertainty."""

    segment: str
    n_sessions: int
    factor_weights: dict[str, float]  # per standardised, oriented factor
    factor_se: dict[str, float]
    alternative_effects: dict[str, float] = field(default_factory=dict)
    alternative_se: dict[str, float] = field(default_factory=dict)
    position_weight: float | None = None
    position_se: float | None = None
    log_likelihood: float = 0.0  # mean per session, on the training sessions
    confidence: float = 0.0
    converged: bool = True
    # per feature: how much its weight grows per unit of centred stated importance, (stated - 3) / 2
    stated_weights: dict[str, float] = field(default_factory=dict)
    stated_se: dict[str, float] = field(default_factory=dict)

    def weight_vector(self, names: list[str]) -> np.ndarray:
        return np.array([self.factor_weights.get(n, 0.0) for n in names], dtype=float)

    def stated_vector(self, names: list[str]) -> np.ndarray:
        return np.array([self.stated_weights.get(n, 0.0) for n in names], dtype=float)

    def effect_vector(self, alternatives) -> np.ndarray:
        return np.array(
            [self.alternative_effects.get(str(a), 0.0) for a in alternatives],
            dtype=float,
        )

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> WeightSet:
        return cls(**d)


@dataclass
class ChoiceModel:
    """The all-segments weights, the segment weights and the standardisation they refer to."""

    standardiser: Standardiser
    global_weights: WeightSet
    segment_weights: dict[str, WeightSet]
    position_mean: float = 0.0
    position_scale: float = 1.0
    options: dict = field(default_factory=dict)

    def weights_for(self, segment: str | None, min_sessions: int) -> WeightSet | None:
        """The segment's weights past the minimum sample size, else the global ones, else None."""
        seg = self.segment_weights.get(segment or "")
        if seg is not None and seg.n_sessions >= min_sessions:
            return seg
        if self.global_weights.n_sessions >= min_sessions:
            return self.global_weights
        return None

    def session_weights(self, weights: WeightSet, centred: np.ndarray | None) -> np.ndarray:
        """Feature weights for one session: the main weights plus, per feature, its stated weight
        times the session's centred stated importance of the feature's factor (one value per factor)."""
        names = self.standardiser.feature_names
        w = weights.weight_vector(names)
        if centred is None or not weights.stated_weights:
            return w
        c = np.asarray(centred, dtype=float)[self.standardiser.feature_factor]
        return w + weights.stated_vector(names) * c

    def to_dict(self) -> dict:
        return {
            "format_version": FORMAT_VERSION,
            "standardiser": self.standardiser.to_dict(),
            "global_weights": self.global_weights.to_dict(),
            "segment_weights": {k: v.to_dict() for k, v in self.segment_weights.items()},
            "position_mean": self.position_mean,
            "position_scale": self.position_scale,
            "options": dict(self.options),
        }

    @classmethod
    def from_dict(cls, d: dict) -> ChoiceModel | None:
        """None for a missing or incompatible stored model (the caller falls back)."""
        if not d or d.get("format_version") != FORMAT_VERSION:
            return None
        return cls(
            standardiser=Standardiser.from_dict(d["standardiser"]),
            global_weights=WeightSet.from_dict(d["global_weights"]),
            segment_weights={k: WeightSet.from_dict(v) for k, v in d["segment_weights"].items()},
            position_mean=float(d.get("position_mean", 0.0)),
            position_scale=float(d.get("position_scale", 1.0)),
            options=dict(d.get("options", {})),
        )


class _Problem:
    """The penalised negative log-likelihood of a conditional logit, vectorised over sessions."""

    def __init__(
        self,
        design: np.ndarray,
        alternative: np.ndarray | None,
        n_alternatives: int,
        chosen,
        session,
    ):
        self.design = design
        self.k = design.shape[1]
        self.j = n_alternatives if alternative is not None else 0
        self.alternative = alternative
        self.chosen = chosen.astype(float)
        self.session = session
        self.starts = np.flatnonzero(np.r_[True, session[1:] != session[:-1]])
        self.sizes = np.diff(np.r_[self.starts, len(session)])
        self.n_sessions = len(self.starts)
        # when every session shows the same number of candidates, a reshape is faster than reduceat
        self.width = int(self.sizes[0]) if len(self.sizes) and (self.sizes == self.sizes[0]).all() else 0

    def utilities(self, theta: np.ndarray) -> np.ndarray:
        u = self.design @ theta[: self.k]
        if self.j:
            u = u + theta[self.k :][self.alternative]
        return u

    def probabilities(self, theta: np.ndarray) -> tuple[np.ndarray, float]:
        """Choice probabilities per row and the log-likelihood summed over sessions."""
        u = self.utilities(theta)
        if self.width:
            grid = u.reshape(-1, self.width)
            top = grid.max(axis=1)
            e = np.exp(grid - top[:, None])
            denom = e.sum(axis=1)
            p = (e / denom[:, None]).ravel()
            return p, float(u @ self.chosen - (top + np.log(denom)).sum())
        top = np.maximum.reduceat(u, self.starts)
        e = np.exp(u - np.repeat(top, self.sizes))
        denom = np.add.reduceat(e, self.starts)
        p = e / np.repeat(denom, self.sizes)
        log_lik = float(u @ self.chosen - (top + np.log(denom)).sum())
        return p, log_lik

    def objective(self, theta, penalty, centre):
        p, log_lik = self.probabilities(theta)
        resid = self.chosen - p
        grad = np.empty_like(theta)
        grad[: self.k] = -(self.design.T @ resid)
        if self.j:
            grad[self.k :] = -np.bincount(self.alternative, weights=resid, minlength=self.j)
        diff = theta - centre
        return -log_lik + 0.5 * float(penalty @ (diff * diff)), grad + penalty * diff

    def information(self, theta: np.ndarray) -> np.ndarray:
        """Observed information: sum over sessions of Z' (diag(p) - p p') Z."""
        p, _ = self.probabilities(theta)
        rows = len(p)
        z = sparse.csr_matrix(self.design)
        if self.j:
            onehot = sparse.csr_matrix(
                (np.ones(rows), (np.arange(rows), self.alternative)),
                shape=(rows, self.j),
            )
            z = sparse.hstack([z, onehot], format="csr")
        pz = sparse.diags(p) @ z
        group = sparse.csr_matrix((np.ones(rows), (self.session - self.session[0], np.arange(rows))))
        m = group @ pz
        info = (z.T @ pz) - (m.T @ m)
        return np.asarray(info.todense())


def _confidence(weights: np.ndarray, se: np.ndarray, n_sessions: int) -> float:
    """A 0-1 score: how sure we are of the direction of the weights that matter, times sample size.

    Each factor's sign certainty is erf(|w| / (SE * sqrt 2)) (0 when the weight is within noise of
    zero, near 1 when its interval is far from zero), averaged with the weights' sizes as
    importance, and discounted by n / (n + 20) so a handful of sessions never looks certain.
    """
    if n_sessions <= 0 or len(weights) == 0:
        return 0.0
    size = np.abs(weights)
    if size.sum() <= 0:
        return 0.0
    certainty = special.erf(size / (np.maximum(se, 1e-12) * math.sqrt(2)))
    score = float((size * certainty).sum() / size.sum()) * n_sessions / (n_sessions + 20.0)
    return max(0.0, min(1.0, score))


def _position_feature(rank: np.ndarray) -> np.ndarray:
    return -np.log(np.maximum(rank, 1.0))


def _fit_one(problem: _Problem, penalty: np.ndarray, centre: np.ndarray, start: np.ndarray):
    result = optimize.minimize(
        problem.objective,
        start,
        args=(penalty, centre),
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": 1000, "gtol": 1e-7},
    )
    theta = result.x
    info = problem.information(theta) + np.diag(penalty)
    try:
        cov = np.linalg.inv(info)
        se = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    except np.linalg.LinAlgError:
        se = np.full(len(theta), np.nan)
    _, log_lik = problem.probabilities(theta)
    return theta, se, log_lik, bool(result.success)


def _weight_set(
    segment, problem, theta, se, log_lik, converged, names, alt_names, has_position, stated_names=()
) -> WeightSet:
    k_factors = len(names)
    at = k_factors + int(has_position)
    stated_w, stated_se = theta[at : at + len(stated_names)], se[at : at + len(stated_names)]
    factor_w = theta[:k_factors]
    factor_se = se[:k_factors]
    alt = theta[problem.k :]
    alt_se = se[problem.k :]
    return WeightSet(
        segment=segment,
        n_sessions=int(problem.n_sessions),
        factor_weights={n: float(w) for n, w in zip(names, factor_w, strict=True)},
        factor_se={n: float(s) for n, s in zip(names, factor_se, strict=True)},
        alternative_effects={a: float(w) for a, w in zip(alt_names, alt, strict=False)} if problem.j else {},
        alternative_se={a: float(s) for a, s in zip(alt_names, alt_se, strict=False)} if problem.j else {},
        position_weight=float(theta[k_factors]) if has_position else None,
        position_se=float(se[k_factors]) if has_position else None,
        log_likelihood=log_lik / max(problem.n_sessions, 1),
        confidence=_confidence(factor_w, factor_se, problem.n_sessions),
        converged=converged,
        stated_weights={n: float(w) for n, w in zip(stated_names, stated_w, strict=True)},
        stated_se={n: float(v) for n, v in zip(stated_names, stated_se, strict=True)},
    )


SKEW_FOR_LOG = 1.0


def _skewness(x: np.ndarray) -> float:
    sd = x.std()
    return float(((x - x.mean()) ** 3).mean() / sd**3) if sd > 0 else 0.0


def _design(data: ChoiceSet, standardiser: Standardiser, has_position: bool):
    design = standardiser.transform(data.values)
    position_mean, position_scale = 0.0, 1.0
    if has_position:
        pos = _position_feature(data.rank)
        position_mean = float(pos.mean())
        position_scale = float(pos.std()) or 1.0
        design = np.column_stack([design, (pos - position_mean) / position_scale])
    return design, position_mean, position_scale


LOG_GAIN = 1.0  # log-likelihood a log feature must add: its one extra parameter (AIC)


def _choose_log_scale(data, higher_is_better, has_position, alternative, n_alternatives, l2) -> np.ndarray:
    """Which factors also get a log feature: each strictly positive factor with skewness above 1
    is tried in turn and kept when it raises the penalised training log-likelihood by more than
    LOG_GAIN (Akaike's price for the extra parameter)."""
    names = list(data.factor_names)
    log = np.zeros(len(names), bool)
    candidates = [
        k
        for k in range(len(names))
        if (data.values[:, k] > 0).all() and _skewness(data.values[:, k]) > SKEW_FOR_LOG
    ]
    if not candidates:
        return log

    def objective(flags):
        std = Standardiser.fit(data.values, names, higher_is_better, flags)
        design, _, _ = _design(data, std, has_position)
        problem = _Problem(design, alternative, n_alternatives, data.chosen, data.session)
        n_params = design.shape[1] + n_alternatives
        penalty = np.full(n_params, float(l2))
        result = optimize.minimize(
            problem.objective,
            np.zeros(n_params),
            args=(penalty, np.zeros(n_params)),
            jac=True,
            method="L-BFGS-B",
            options={"maxiter": 1000, "gtol": 1e-7},
        )
        return float(result.fun)

    best = objective(log)
    for k in candidates:
        trial = log.copy()
        trial[k] = True
        value = objective(trial)
        if value < best - LOG_GAIN:
            log, best = trial, value
    return log


def _one_blas_thread(fit):
    """The fit's matrices are tall and thin, where threaded BLAS only adds contention: one BLAS thread."""

    @functools.wraps(fit)
    def wrapped(*args, **kwargs):
        with threadpool_limits(limits=1, user_api="blas"):
            return fit(*args, **kwargs)

    return wrapped


STATED_MAX_PENALTY = 1e6  # the stated-priority weights' penalty when they carry no signal (~0)


def _stated_design(data: ChoiceSet, standardiser: Standardiser, z: np.ndarray):
    """The factor x stated-importance interaction columns: each feature (of a factor some session
    stated, or named as what mattered most) times its session's centred importance of that factor."""
    if data.stated is None and data.answered is None:
        return np.empty((len(z), 0)), []
    centred = centred_stated(data.stated, data.answered, (data.n_sessions, len(standardiser.names)))
    feature_factor = standardiser.feature_factor
    # a factor whose statement never varies between sessions cannot be told from its main weight
    informative = np.flatnonzero((np.ptp(centred, axis=0) > 0)[feature_factor])
    names = [standardiser.feature_names[i] for i in informative]
    columns = z[:, informative] * centred[data.session][:, feature_factor[informative]]
    return columns, names


def _stated_penalty(theta: np.ndarray, se: np.ndarray, l2: float) -> tuple[float, float]:
    """Empirical-Bayes penalty for the stated-priority weights: their prior variance is estimated
    by the method of moments, tau^2 = mean(w^2 - SE^2) over the weights of a first fit; the penalty
    is 1 / tau^2 (at least `l2`), so weights that are no bigger than their noise shrink to ~0."""
    if len(theta) == 0 or not np.isfinite(se).all():
        return STATED_MAX_PENALTY, 0.0
    tau2 = max(0.0, float(np.mean(theta * theta - se * se)))
    if tau2 <= 1.0 / STATED_MAX_PENALTY:
        return STATED_MAX_PENALTY, 0.0
    return min(STATED_MAX_PENALTY, max(float(l2), 1.0 / tau2)), math.sqrt(tau2)


@_one_blas_thread
def fit_choice_model(
    data: ChoiceSet,
    higher_is_better=None,
    *,
    l2: float = 1.0,
    segment_shrinkage: float = 10.0,
    alternative_effects: bool = True,
    position_bias: bool = True,
    log_scale: str = "auto",
    stated_priorities: bool = True,
) -> ChoiceModel:
    """Fit the all-segments weights, then each segment's weights shrunk toward them.

    `higher_is_better` (one bool per factor, default all True) only orients the factors, so that a
    positive weight always means "customers prefer more of what is good"; the fitted likelihood
    does not depend on it. `l2` is the penalty on the all-segments parameters (standardised
    scale); `segment_shrinkage` the penalty pulling a segment's parameters to the global ones.
    `log_scale="auto"` adds a log feature to skewed positive factors when the training choices
    support it (see _choose_log_scale); "none" keeps every factor linear. With
    `stated_priorities` and sessions that stated priorities (or named what mattered most), each
    such factor also gets a stated weight (factor x centred stated importance), penalised by the
    empirical-Bayes penalty of _stated_penalty, so it is ~0 when statements do not predict choices.
    """
    if data.n_sessions == 0:
        raise ValueError("no usable sessions (each needs one chosen candidate among at least two)")
    names = list(data.factor_names)
    if higher_is_better is None:
        higher_is_better = [True] * len(names)
    has_position = bool(position_bias and data.rank is not None and np.ptp(data.rank) > 0)
    use_alternatives = bool(
        alternative_effects and data.alternative is not None and len(data.alternative_names) > 1
    )
    alternative = data.alternative if use_alternatives else None
    alt_names = data.alternative_names if use_alternatives else []
    log = np.zeros(len(names), bool)
    if log_scale == "auto":
        log = _choose_log_scale(data, higher_is_better, has_position, alternative, len(alt_names), l2)
    standardiser = Standardiser.fit(data.values, names, higher_is_better, log)
    design, position_mean, position_scale = _design(data, standardiser, has_position)
    features = standardiser.feature_names
    stated_names: list[str] = []
    if stated_priorities:
        columns, stated_names = _stated_design(data, standardiser, design[:, : len(features)])
        design = np.column_stack([design, columns])
    n_main = len(features) + int(has_position)
    stated_slice = slice(n_main, n_main + len(stated_names))

    problem = _Problem(design, alternative, len(alt_names), data.chosen, data.session)
    n_params = design.shape[1] + len(alt_names)
    penalty = np.full(n_params, float(l2))
    zeros = np.zeros(n_params)
    theta, se, log_lik, ok = _fit_one(problem, penalty, zeros, zeros)
    stated_penalty, stated_prior_sd = None, None
    if stated_names:
        stated_penalty, stated_prior_sd = _stated_penalty(theta[stated_slice], se[stated_slice], l2)
        penalty[stated_slice] = stated_penalty
        theta, se, log_lik, ok = _fit_one(problem, penalty, zeros, theta)
    global_weights = _weight_set(
        GLOBAL, problem, theta, se, log_lik, ok, features, alt_names, has_position, stated_names
    )

    segment_weights: dict[str, WeightSet] = {}
    if data.segment is not None:
        for label in sorted(set(data.segment.tolist()) - {""}):
            mask = data.segment == label
            rows = mask[data.session]
            seg_session = (np.cumsum(mask) - 1)[data.session[rows]]
            sub = _Problem(
                design[rows],
                None if alternative is None else alternative[rows],
                len(alt_names),
                data.chosen[rows],
                seg_session,
            )
            seg_penalty = np.full(n_params, float(segment_shrinkage))
            if stated_names:
                # the same pull toward the global fit, never weaker than the global prior on them
                seg_penalty[stated_slice] = max(float(segment_shrinkage), stated_penalty)
            s_theta, s_se, s_ll, s_ok = _fit_one(sub, seg_penalty, theta, theta.copy())
            segment_weights[label] = _weight_set(
                label, sub, s_theta, s_se, s_ll, s_ok, features, alt_names, has_position, stated_names
            )

    return ChoiceModel(
        standardiser=standardiser,
        global_weights=global_weights,
        segment_weights=segment_weights,
        position_mean=position_mean,
        position_scale=position_scale,
        options={
            "l2": l2,
            "segment_shrinkage": segment_shrinkage,
            "alternative_effects": use_alternatives,
            "position_bias": has_position,
            "log_scale": [n for n, flag in zip(names, log, strict=True) if flag],
            "stated": {
                "features": stated_names,
                "penalty": stated_penalty,
                "prior_sd": stated_prior_sd,
                "sessions_stated": 0
                if data.stated is None
                else int(np.isfinite(data.stated).any(axis=1).sum()),
                "sessions_mattered_most": 0
                if data.answered is None
                else int(data.answered.any(axis=1).sum()),
            },
        },
    )
