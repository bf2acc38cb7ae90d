"""Preference suggestions from the team's feedback on kept leads and near misses (pure, no ORM).

Each judged lead carries the probability it had of being kept (1 when it met every preference, the
draw's probability for a near miss, leads.filtering.draw_near_misses). Rates per criterion value are
Hajek estimates weighted by the inverse of that probability, with a Wilson interval on the effective
sample size, so they describe every generated lead of that kind, not only the ones that were kept.
The rule and the wording are in docs/leads.md ("Near-miss exploration and suggestions").
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from core.stats import difference_interval, wilson_interval
from leads.filtering import (
    LOCATION_KEYS,
    LeadPreferences,
    filter_leads,
    finite_or_none,
    normalize_text,
    preference_terms,
)

# A suggestion needs at least this many judged leads behind the value, and a difference of at least
# this many points whose interval excludes zero. Many values are tested at once, run after run, so
# the decision uses a Bonferroni interval (95% over all the values tested); the text shows 95% ones.
MIN_N = 20
MIN_DIFFERENCE = 0.15
# A dismissed suggestion comes back once the leads behind it have grown by this factor.
EVIDENCE_GROWTH = 2.0
# Company size bands (employees) and the width of the score bands of the two thresholds.
SIZE_BANDS = ((1, 10), (11, 50), (51, 200), (201, 1000), (1001, 5000), (5001, 10_000_000))
SCORE_BAND = 0.1

LIST_FIELD = {
    "industry": "preferred_industries",
    "location": "geographic_focus",
    "seniority": "seniority_levels",
}
THRESHOLD_FIELD = {"engagement": "min_engagement_score", "quality": "lead_quality_threshold"}
THRESHOLD_KEY = {"engagement": "engagement_score", "quality": "quality_score"}
CRITERION_WORDS = {
    "industry": "industry",
    "location": "place",
    "seniority": "seniority",
    "company_size": "company size",
    "engagement": "engagement",
    "quality": "quality",
}


@dataclass(frozen=True)
class Judged:
    """One lead the team judged: its attributes, its keep probability, the one criterion it failed
    ("" when it met every preference), whether it was found useful and whether it converted."""

    lead: Mapping[str, Any]
    keep_probability: float
    criterion: str = ""
    useful: bool | None = None
    converted: bool = False


@dataclass(frozen=True)
class Estimate:
    """A weighted rate: ``n`` judged leads, ``n_eff`` their effective number (Kish), the 95% interval."""

    rate: float | None
    low: float
    high: float
    n: int
    n_eff: float

    @property
    def successes_eff(self) -> float:
        return (self.rate or 0.0) * self.n_eff

    def as_dict(self) -> dict:
        return {
            "rate": self.rate,
            "low": self.low,
            "high": self.high,
            "n": self.n,
            "n_eff": round(self.n_eff, 1),
        }


@dataclass(frozen=True)
class Suggestion:
    key: str
    action: str  # add, remove, widen, narrow, lower, raise
    criterion: str
    value: str
    change: dict[str, Any]
    useful: Estimate
    baseline: Estimate
    converted: Estimate
    difference: float
    difference_low: float
    difference_high: float
    text: str
    question: str = ""
    evidence: dict[str, Any] = field(default_factory=dict)

    @property
    def evidence_n(self) -> int:
        return self.useful.n

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "action": self.action,
            "criterion": self.criterion,
            "value": self.value,
            "change": self.change,
            "text": self.text,
            "useful": self.useful.as_dict(),
            "baseline_useful": self.baseline.as_dict(),
            "converted": self.converted.as_dict(),
            "difference": self.difference,
            "difference_interval": [self.difference_low, self.difference_high],
        }


def estimate(judged: Iterable[Judged], outcome: str = "useful") -> Estimate:
    """Hajek estimate of the share of ``outcome`` (useful / converted) weighted by 1 / keep probability."""
    weights, values = [], []
    for item in judged:
        value = item.useful if outcome == "useful" else item.converted
        if value is None or not item.keep_probability or item.keep_probability <= 0:
            continue
        weights.append(1.0 / min(1.0, item.keep_probability))
        values.append(1.0 if value else 0.0)
    n = len(weights)
    if not n:
        return Estimate(None, 0.0, 1.0, 0, 0.0)
    total = sum(weights)
    rate = sum(w * v for w, v in zip(weights, values, strict=True)) / total
    n_eff = total * total / sum(w * w for w in weights)
    low, high = wilson_interval(rate * n_eff, n_eff)
    return Estimate(rate, low, high, n, n_eff)


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _band_label(low, high):
    return f"{low:,}+" if high >= 10_000_000 else f"{low:,}-{high:,}"


def _size_band(size):
    for low, high in SIZE_BANDS:
        if low <= size <= high:
            return (low, high)
    return None


def _location_text(lead):
    parts = [lead.get(key) for key in LOCATION_KEYS]
    return " ".join(p for p in parts if isinstance(p, str))


def _place_term(lead):
    """The term a near miss's place suggests: the first part of its location ("Chicago, IL" -> Chicago)."""
    text = _location_text(lead)
    first = re.split(r"[,;/|]", text)[0].strip()
    return first


def _matching_term(terms, text):
    padded = f" {normalize_text(text)} "
    for term in terms:
        if f" {term} " in padded:
            return term
    return None


def _display(groups_raw, key):
    """The most common original spelling of a normalised value."""
    spellings = groups_raw.get(key, {})
    return max(spellings, key=lambda s: (spellings[s], s)) if spellings else key


class _Groups:
    def __init__(self):
        self.inside: dict[str, list[Judged]] = {}
        self.outside: dict[str, list[Judged]] = {}
        self.spelling: dict[str, dict[str, int]] = {}

    def add(self, where, key, item, spelling):
        if not key:
            return
        where.setdefault(key, []).append(item)
        counts = self.spelling.setdefault(key, {})
        counts[spelling] = counts.get(spelling, 0) + 1


def _group(criterion, prefs: LeadPreferences, kept, near):
    groups = _Groups()
    if criterion in LIST_FIELD:
        terms = preference_terms(getattr(prefs, LIST_FIELD[criterion]))
        for item in kept:
            if criterion == "industry":
                raw = item.lead.get("industry")
                key = normalize_text(raw)
                groups.add(groups.inside, key if key in terms else "", item, str(raw or "").strip())
            else:
                text = item.lead.get("title") if criterion == "seniority" else _location_text(item.lead)
                term = _matching_term(terms, text if isinstance(text, str) else "")
                groups.add(groups.inside, term or "", item, term or "")
        for item in near:
            if criterion == "industry":
                raw = item.lead.get("industry")
            elif criterion == "seniority":
                raw = item.lead.get("title")
            else:
                raw = _place_term(item.lead)
            raw = " ".join(str(raw).split()) if isinstance(raw, str) else ""
            groups.add(groups.outside, normalize_text(raw)[:120], item, raw[:120])
        # Inside terms keep the team's own spelling.
        for term in terms:
            for original in getattr(prefs, LIST_FIELD[criterion]):
                if normalize_text(original) == term:
                    groups.spelling[term] = {original: 10**9}
    elif criterion == "company_size":
        for where, items in ((groups.inside, kept), (groups.outside, near)):
            for item in items:
                size = finite_or_none(item.lead.get("company_size"))
                band = _size_band(size) if size is not None else None
                if band:
                    key = f"{band[0]}-{band[1]}"
                    groups.add(where, key, item, _band_label(*band))
    else:
        threshold = float(getattr(prefs, THRESHOLD_FIELD[criterion]))
        for item in kept:
            value = finite_or_none(item.lead.get(THRESHOLD_KEY[criterion]))
            if value is not None and value < threshold + SCORE_BAND:
                groups.add(groups.inside, "just_above", item, "")
        for item in near:
            value = finite_or_none(item.lead.get(THRESHOLD_KEY[criterion]))
            if value is not None and threshold - SCORE_BAND <= value < threshold:
                groups.add(groups.outside, "just_below", item, "")
    return groups


def _change(criterion, action, key, label, prefs: LeadPreferences):
    """The preference fields to set for a suggestion (the whole new value), or None if it makes no sense."""
    if criterion in LIST_FIELD:
        name = LIST_FIELD[criterion]
        current = list(getattr(prefs, name))
        if action == "add":
            return {name: [*current, label]}
        remaining = [v for v in current if normalize_text(v) != key]
        return {name: remaining} if remaining else None  # an empty list would keep everything
    if criterion == "company_size":
        low, high = (int(x) for x in key.split("-"))
        size_min, size_max = prefs.company_size_min, prefs.company_size_max
        if action == "widen":
            if size_min is not None and high < size_min:
                return {"company_size_min": low}
            if size_max is not None and low > size_max:
                return {"company_size_max": None if high >= 10_000_000 else high}
            return None
        # Narrow only at an edge of the range, so the range stays one range.
        bands_inside = [b for b in SIZE_BANDS if (size_min is None or b[1] >= size_min)
                        and (size_max is None or b[0] <= size_max)]  # fmt: skip
        if len(bands_inside) < 2:
            return None
        if (low, high) == bands_inside[0]:
            return {"company_size_min": high + 1}
        if (low, high) == bands_inside[-1]:
            return {"company_size_max": low - 1}
        return None
    name = THRESHOLD_FIELD[criterion]
    threshold = float(getattr(prefs, name))
    new = threshold - SCORE_BAND if action == "lower" else threshold + SCORE_BAND
    new = round(min(1.0, max(0.0, new)), 2)
    return {name: new} if new != threshold else None


def _describe(criterion, action, label, prefs):
    """(who, question): e.g. ("Retail leads", "add Retail?")."""
    if criterion == "industry":
        who = f"{label} leads"
    elif criterion == "location":
        who = f"Leads in {label}"
    elif criterion == "seniority":
        who = f"Leads titled “{label}”" if action == "add" else f"Leads matched by “{label}”"
    elif criterion == "company_size":
        who = f"Leads of companies with {label} staff"
    else:
        threshold = float(getattr(prefs, THRESHOLD_FIELD[criterion]))
        word = CRITERION_WORDS[criterion]
        if action == "lower":
            who = f"Leads with {word} {threshold - SCORE_BAND:.2f}-{threshold:.2f} (below your minimum)"
        else:
            who = f"Leads with {word} {threshold:.2f}-{threshold + SCORE_BAND:.2f} (just above your minimum)"
    question = {
        "add": f"add {label}?",
        "remove": f"remove {label}?",
        "widen": f"widen the company size range to {label} staff?",
        "narrow": f"leave out companies with {label} staff?",
        "lower": f"lower the minimum {CRITERION_WORDS[criterion]} by {SCORE_BAND:.1f}?",
        "raise": f"raise the minimum {CRITERION_WORDS[criterion]} by {SCORE_BAND:.1f}?",
    }[action]
    return who, question


def suggest_changes(
    judged: Iterable[Judged],
    prefs: LeadPreferences,
    min_n: int = MIN_N,
    min_difference: float = MIN_DIFFERENCE,
) -> list[Suggestion]:
    """Preference changes the feedback clearly supports, strongest evidence first.

    A value outside the preferences (seen through near misses that failed only that criterion) is
    suggested when its useful rate is clearly above that of the kept leads; a value inside when its
    rate is clearly below that of all the kept leads. "Clearly": at least ``min_n`` judged leads,
    a difference of at least ``min_difference`` whose 95% interval excludes zero.
    """
    judged = place([item for item in judged if item.useful is not None], prefs)
    kept = [item for item in judged if not item.criterion]
    # The bar is the leads the preferences keep with certainty (probability 1): what the team sees
    # every run. Leads that came in through exploration count, weighted, in their own value's
    # estimate but not in the bar, so a few heavily weighted near misses of a value just added cannot
    # swing every other comparison (and make good-enough values look bad one after another).
    all_kept = estimate(item for item in kept if item.keep_probability >= 1)
    candidates = []
    for criterion in prefs.active_criteria():
        near = [item for item in judged if item.criterion == criterion]
        groups = _group(criterion, prefs, kept, near)
        for side, members_by_key in (("outside", groups.outside), ("inside", groups.inside)):
            for key, members in members_by_key.items():
                if len(members) < min_n:
                    continue
                # Both sides are compared with the kept leads as a whole (the value included): a
                # value inside is suggested away only when it drags them down, so good-enough values
                # are not removed one after the other once a better one has come in.
                baseline = all_kept
                if baseline.n >= min_n:
                    candidates.append((criterion, side, key, members, baseline, groups))
    confidence = 1 - 0.05 / max(1, len(candidates))
    suggestions = []
    for criterion, side, key, members, baseline, groups in candidates:
        better = side == "outside"
        if better:
            action = {"company_size": "widen", "engagement": "lower", "quality": "lower"}.get(
                criterion, "add"
            )
        else:
            action = {"company_size": "narrow", "engagement": "raise", "quality": "raise"}.get(
                criterion, "remove"
            )
        found = estimate(members)
        difference = found.rate - baseline.rate
        low, high = difference_interval(
            found.successes_eff, found.n_eff, baseline.successes_eff, baseline.n_eff, confidence
        )
        clear = (
            (low > 0 and difference >= min_difference)
            if better
            else (high < 0 and -difference >= min_difference)
        )
        if not clear:
            continue
        label = _display(groups.spelling, key)
        change = _change(criterion, action, key, label, prefs)
        if not change:
            continue
        who, question = _describe(criterion, action, label, prefs)
        shown_low, shown_high = difference_interval(
            found.successes_eff, found.n_eff, baseline.successes_eff, baseline.n_eff
        )
        text = (
            f"{who} were useful {_pct(found.rate)} of the time (n={found.n}, 95% interval "
            f"{_pct(found.low)}-{_pct(found.high)}) against {_pct(baseline.rate)} for the leads you keep now"
            f" (n={baseline.n}): {question}"
        )
        suggestions.append(
            Suggestion(
                key=f"{action}:{criterion}:{key}",
                action=action,
                criterion=criterion,
                value=label,
                change=change,
                useful=found,
                baseline=baseline,
                converted=estimate(members, "converted"),
                difference=difference,
                difference_low=shown_low,
                difference_high=shown_high,
                text=text,
                question=question,
            )
        )
    suggestions.sort(key=lambda s: -max(s.difference_low, -s.difference_high))
    return suggestions


def place(judged: list[Judged], prefs: LeadPreferences) -> list[Judged]:
    """Each judged lead as the preferences of today see it: kept (criterion ""), a near miss of the
    one criterion it fails, or left out when it fails two or more. Its keep probability stays the one
    it was drawn with, so feedback given under earlier preferences still counts, rightly weighted."""
    if not judged:
        return []
    filtered = filter_leads(
        [item.lead for item in judged], dataclasses.replace(prefs, max_leads_per_execution=None)
    )
    matched = {int(i) for i in filtered.kept_indices}
    near = dict(zip((int(i) for i in filtered.near_miss_indices), filtered.near_miss_criteria, strict=True))
    placed = []
    for index, item in enumerate(judged):
        if index in matched:
            placed.append(dataclasses.replace(item, criterion=""))
        elif index in near:
            placed.append(dataclasses.replace(item, criterion=near[index]))
    return placed


def still_dismissed(evidence_n: int, dismissed_n: int) -> bool:
    """A dismissed suggestion stays hidden until the leads behind it have grown materially."""
    return evidence_n < EVIDENCE_GROWTH * max(1, dismissed_n)


def apply_change(values: Mapping[str, Any], change: Mapping[str, Any]) -> LeadPreferences:
    """The preferences after a suggestion (pure: what the simulation applies)."""
    merged = {**values, **change}
    for name in LIST_FIELD.values():
        merged[name] = tuple(merged.get(name) or ())
    return LeadPreferences(**merged)
