"""Filter generated leads against a workspace's lead preferences (pure, vectorised with pandas/numpy);
the rules and the removal counts are in docs/leads.md."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

CRITERIA = (
    "engagement",
    "industry",
    "company_size",
    "location",
    "seniority",
    "quality",
)
LOCATION_KEYS = ("location", "city", "region", "country")

_NON_WORD = r"[\W_]+"


def normalize_text(value: Any) -> str:
    """Normalise one text for comparison: NFKC, casefold, non-word runs to one space, stripped."""
    if not isinstance(value, str):
        return ""
    text = unicodedata.normalize("NFKC", value).casefold()
    return re.sub(_NON_WORD, " ", text).strip()


def preference_terms(values: Sequence[Any] | None) -> list[str]:
    """Normalised, de-duplicated, non-blank terms of a preference list (order kept)."""
    seen: dict[str, None] = {}
    for value in values or ():
        term = normalize_text(value)
        if term:
            seen.setdefault(term, None)
    return list(seen)


def finite_or_none(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


@dataclass(frozen=True)
class LeadPreferences:
    """The preferences filtering needs; every field optional (``None`` / empty = filters nothing)."""

    preferred_industries: tuple[str, ...] = ()
    min_engagement_score: float | None = None
    company_size_min: int | None = None
    company_size_max: int | None = None
    geographic_focus: tuple[str, ...] = ()
    seniority_levels: tuple[str, ...] = ()
    lead_quality_threshold: float | None = None
    max_leads_per_execution: int | None = None

    def __post_init__(self):
        limit = self.max_leads_per_execution
        if limit is not None and (isinstance(limit, bool) or int(limit) != limit or limit < 1):
            raise ValueError("max_leads_per_execution must be a positive integer or None")

    def active_criteria(self) -> tuple[str, ...]:
        active = {
            "engagement": finite_or_none(self.min_engagement_score) is not None,
            "industry": bool(preference_terms(self.preferred_industries)),
            "company_size": finite_or_none(self.company_size_min) is not None
            or finite_or_none(self.company_size_max) is not None,
            "location": bool(preference_terms(self.geographic_focus)),
            "seniority": bool(preference_terms(self.seniority_levels)),
            "quality": finite_or_none(self.lead_quality_threshold) is not None,
        }
        return tuple(name for name in CRITERIA if active[name])


@dataclass
class FilterResult:
    """Which leads were kept, in rank order, and how many each criterion removed."""

    kept: Any
    kept_indices: np.ndarray
    generated: int
    matched: int
    criteria: tuple[str, ...]
    failed: dict[str, int] = field(default_factory=dict)
    sole_cause: dict[str, int] = field(default_factory=dict)
    removed_by_limit: int = 0
    # Leads that failed exactly one active criterion (input positions) and which one each failed:
    # the candidates of near-miss exploration (leads.filtering.draw_near_misses).
    near_miss_indices: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    near_miss_criteria: tuple[str, ...] = ()

    @property
    def kept_count(self) -> int:
        return len(self.kept_indices)

    @property
    def removed_by_criteria(self) -> int:
        return self.generated - self.matched

    def impact(self) -> dict[str, Any]:
        """A JSON-serialisable summary, stored on the execution and shown on its page."""
        return {
            "generated": self.generated,
            "matched": self.matched,
            "kept": self.kept_count,
            "removed_by_criteria": self.removed_by_criteria,
            "removed_by_limit": self.removed_by_limit,
            "criteria": list(self.criteria),
            "failed": dict(self.failed),
            "sole_cause": dict(self.sole_cause),
        }


class _Columns:
    """Extracts each lead attribute once, from a list of mappings or a DataFrame."""

    def __init__(self, leads: Sequence[Mapping] | pd.DataFrame):
        self.leads = leads
        self._raw: dict[str, list[Any]] = {}
        self._numbers: dict[str, np.ndarray] = {}

    def raw(self, key: str) -> list[Any]:
        if key not in self._raw:
            leads = self.leads
            if isinstance(leads, pd.DataFrame):
                values = leads[key].tolist() if key in leads.columns else [None] * len(leads)
            else:
                try:
                    values = [lead.get(key) for lead in leads]
                except AttributeError:  # a non-mapping item: it has no attributes at all
                    values = [lead.get(key) if isinstance(lead, Mapping) else None for lead in leads]
            self._raw[key] = values
        return self._raw[key]

    def numbers(self, key: str) -> np.ndarray:
        """Floats with NaN for anything missing, non-numeric, boolean or non-finite."""
        if key not in self._numbers:
            values = self.raw(key)
            numbers = None
            if not any(v is True or v is False for v in values):
                try:  # the common case, plain numbers and None: NumPy converts it at C speed
                    numbers = np.array(values, dtype=float)
                except (TypeError, ValueError):
                    numbers = None
                if numbers is not None and numbers.shape != (len(values),):
                    numbers = None  # a column of lists: not numbers
            if numbers is None:
                raw = pd.Series([None if v is True or v is False else v for v in values], dtype=object)
                numbers = np.array(pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float, na_value=np.nan))
            numbers[~np.isfinite(numbers)] = np.nan
            self._numbers[key] = numbers
        return self._numbers[key]

    def location_text(self) -> list[Any]:
        columns = [self.raw(key) for key in LOCATION_KEYS]
        used = [col for col in columns if col.count(None) < len(col)]
        if len(used) <= 1:
            return used[0] if used else columns[0]
        return [" ".join(v for v in parts if isinstance(v, str)) for parts in zip(*used, strict=True)]


def _text_match(values: list[Any], predicate) -> np.ndarray:
    """Apply ``predicate`` to the normalised form of each distinct text once; non-text -> False."""
    texts = pd.Series([v if isinstance(v, str) else None for v in values], dtype=object)
    codes, uniques = pd.factorize(texts, use_na_sentinel=True)
    if len(uniques) == 0:
        return np.zeros(len(values), dtype=bool)
    normalised = [normalize_text(u) for u in uniques]
    hits = np.array([bool(text) and predicate(text) for text in normalised] + [False], dtype=bool)
    return hits[codes]  # code -1 (missing) picks the trailing False


def _contains_any_word(terms: list[str]):
    padded_terms = [f" {term} " for term in terms]

    def predicate(text: str) -> bool:
        padded = f" {text} "
        return any(term in padded for term in padded_terms)

    return predicate


def _passes(columns: _Columns, prefs: LeadPreferences, criterion: str) -> np.ndarray:
    """Boolean mask of leads satisfying one criterion (missing attribute -> False)."""
    with np.errstate(invalid="ignore"):
        if criterion == "engagement":
            return columns.numbers("engagement_score") >= float(prefs.min_engagement_score)
        if criterion == "quality":
            return columns.numbers("quality_score") >= float(prefs.lead_quality_threshold)
        if criterion == "company_size":
            values = columns.numbers("company_size")
            ok = ~np.isnan(values)
            low = finite_or_none(prefs.company_size_min)
            high = finite_or_none(prefs.company_size_max)
            if low is not None:
                ok &= values >= low
            if high is not None:
                ok &= values <= high
            return ok
    if criterion == "industry":
        wanted = set(preference_terms(prefs.preferred_industries))
        return _text_match(columns.raw("industry"), wanted.__contains__)
    if criterion == "location":
        return _text_match(
            columns.location_text(), _contains_any_word(preference_terms(prefs.geographic_focus))
        )
    if criterion == "seniority":
        return _text_match(columns.raw("title"), _contains_any_word(preference_terms(prefs.seniority_levels)))
    raise ValueError(f"unknown criterion {criterion!r}")


def _rank(columns: _Columns, positions: np.ndarray) -> np.ndarray:
    """Positions ordered best first: quality desc, engagement desc (missing last), input order."""
    quality = columns.numbers("quality_score")[positions]
    engagement = columns.numbers("engagement_score")[positions]
    quality_key = np.where(np.isnan(quality), np.inf, -quality)
    engagement_key = np.where(np.isnan(engagement), np.inf, -engagement)
    order = np.lexsort((positions, engagement_key, quality_key))
    return positions[order]


def filter_leads(leads: Sequence[Mapping] | pd.DataFrame, prefs: LeadPreferences) -> FilterResult:
    """Keep the leads that satisfy every active preference, best first, at most the cap."""
    total = len(leads)
    criteria = prefs.active_criteria()
    columns = _Columns(leads)
    masks = {name: np.asarray(_passes(columns, prefs, name), dtype=bool) for name in criteria}

    all_pass = np.ones(total, dtype=bool)
    for mask in masks.values():
        all_pass &= mask
    fail_counts = np.zeros(total, dtype=int)
    for mask in masks.values():
        fail_counts += ~mask

    failed = {name: int((~mask).sum()) for name, mask in masks.items()}
    sole_cause = {name: int(((~mask) & (fail_counts == 1)).sum()) for name, mask in masks.items()}

    near_miss_positions = np.flatnonzero(fail_counts == 1)
    near_miss_criteria = [""] * len(near_miss_positions)
    for name, mask in masks.items():
        failing_here = ~mask[near_miss_positions]
        for i in np.flatnonzero(failing_here):
            near_miss_criteria[int(i)] = name

    matched_positions = np.flatnonzero(all_pass)
    ranked = _rank(columns, matched_positions) if len(matched_positions) else matched_positions
    limit = prefs.max_leads_per_execution
    kept_positions = ranked[:limit] if limit is not None else ranked

    if isinstance(leads, pd.DataFrame):
        kept: Any = leads.iloc[kept_positions]
    else:
        kept = [leads[int(i)] for i in kept_positions]
    return FilterResult(
        kept=kept,
        kept_indices=kept_positions,
        generated=total,
        matched=len(matched_positions),
        criteria=criteria,
        failed=failed,
        sole_cause=sole_cause,
        removed_by_limit=int(len(ranked) - len(kept_positions)),
        near_miss_indices=near_miss_positions,
        near_miss_criteria=tuple(near_miss_criteria),
    )


# The exploration share is bounded: it is a small sample, never a second filter.
MAX_EXPLORATION_SHARE = 0.5


@dataclass(frozen=True)
class NearMissDraw:
    """The near misses a run keeps for exploration: input positions, the criterion each failed, the
    probability each had of being kept, and the exploration credit carried to the next run."""

    positions: tuple[int, ...]
    criteria: tuple[str, ...]
    probability: float
    candidates: int
    credit: float


def draw_near_misses(
    result: FilterResult, share: float, max_per_run: int, credit: float = 0.0, seed: int = 0
) -> NearMissDraw:
    """Choose which near misses (leads that failed exactly one criterion) a run keeps anyway.

    The number kept is deterministic: ``share`` of the run's near misses plus the fraction carried
    from earlier runs (``credit``), rounded down, at most ``max_per_run``. Which ones is a uniform
    draw without replacement seeded by ``seed``, so each near miss of the run had the same chance
    ``kept / candidates`` of being kept: the inverse of that is its weight in the estimates. A run
    of a few leads explores nothing on its own but adds to the credit, so over runs the share holds
    without making a small run's result random.
    """
    candidates = len(result.near_miss_indices)
    share = finite_or_none(share) or 0.0
    share = min(max(share, 0.0), MAX_EXPLORATION_SHARE)
    credit = min(max(finite_or_none(credit) or 0.0, 0.0), 1.0)
    cap = max(0, int(max_per_run or 0))
    if not candidates or share <= 0 or cap == 0:
        return NearMissDraw((), (), 0.0, candidates, credit if share > 0 else 0.0)
    budget = credit + share * candidates
    count = min(cap, candidates, int(math.floor(budget + 1e-9)))
    carried = min(max(budget - count, 0.0), 1.0)
    if count == 0:
        return NearMissDraw((), (), 0.0, candidates, carried)
    rng = np.random.default_rng(seed)
    chosen = np.sort(rng.choice(candidates, size=count, replace=False))
    return NearMissDraw(
        positions=tuple(int(result.near_miss_indices[i]) for i in chosen),
        criteria=tuple(result.near_miss_criteria[int(i)] for i in chosen),
        probability=count / candidates,
        candidates=candidates,
        credit=carried,
    )
