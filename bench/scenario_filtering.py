"""Scenario 1: the worker's preference filtering of generated leads, against a bare NumPy pass."""

from __future__ import annotations

import numpy as np

from bench.runner import Row, below, measure
from leads.filtering import filter_leads, normalize_text
from leads.models.preferences import PreferenceSet
from leads.sources import generate_demo_leads

FULL_SIZE = 100_000


def _preferences():
    values = {
        "preferred_industries": ["SaaS", "AI", "Fintech"],
        "min_engagement_score": 0.5,
        "company_size_min": 10,
        "company_size_max": 1000,
        "geographic_focus": ["San Francisco", "New York", "London"],
        "seniority_levels": ["founder", "CEO", "VP Sales"],
        "lead_quality_threshold": 0.4,
        "max_leads_per_execution": 100,
    }
    return values, PreferenceSet.from_values(values).to_filter()


def _columns(leads, values):
    """The same leads as arrays, text already normalised the way the filter compares it."""

    def numbers(key):
        return np.array([np.nan if lead.get(key) is None else lead[key] for lead in leads], dtype=float)

    def padded(key):
        return np.array([f" {normalize_text(lead.get(key))} " for lead in leads])

    return {
        "engagement": numbers("engagement_score"),
        "quality": numbers("quality_score"),
        "size": numbers("company_size"),
        "industry": np.array([normalize_text(lead.get("industry")) for lead in leads]),
        "location": padded("location"),
        "title": padded("title"),
        "wanted_industries": np.array([normalize_text(v) for v in values["preferred_industries"]]),
        "places": [f" {normalize_text(v)} " for v in values["geographic_focus"]],
        "levels": [f" {normalize_text(v)} " for v in values["seniority_levels"]],
    }


def _numpy_pass(c, values):
    with np.errstate(invalid="ignore"):
        keep = c["engagement"] >= values["min_engagement_score"]
        keep &= c["quality"] >= values["lead_quality_threshold"]
        keep &= (c["size"] >= values["company_size_min"]) & (c["size"] <= values["company_size_max"])
    keep &= np.isin(c["industry"], c["wanted_industries"])
    where = np.zeros(len(keep), dtype=bool)
    for place in c["places"]:
        where |= np.char.find(c["location"], place) >= 0
    keep &= where
    senior = np.zeros(len(keep), dtype=bool)
    for level in c["levels"]:
        senior |= np.char.find(c["title"], level) >= 0
    keep &= senior
    matched = np.flatnonzero(keep)
    order = np.lexsort((matched, -c["engagement"][matched], -c["quality"][matched]))
    return matched, matched[order][: values["max_leads_per_execution"]]


def run(ctx) -> list[Row]:
    n = ctx.size(FULL_SIZE, minimum=500)
    leads = generate_demo_leads("AI founders", n, seed=7)
    values, prefs = _preferences()
    columns = _columns(leads, values)
    result = filter_leads(leads, prefs)
    matched, kept = _numpy_pass(columns, values)
    agree = result.matched == len(matched) and list(result.kept_indices) == list(kept)
    runs = ctx.runs(7)
    service = measure(lambda: filter_leads(leads, prefs), runs=runs, warmup=1)
    reference = measure(lambda: _numpy_pass(columns, values), runs=runs, warmup=1)
    return [
        Row(
            "1 preference filtering",
            "filter_leads (worker step), 6 criteria + cap",
            f"{n:,} leads",
            service.median,
            "s",
            spread=service.spread,
            runs=runs,
            reference_name="NumPy pass on pre-extracted columns",
            reference=reference.median,
            ratio=service.median / reference.median,
            target=below(1.0, "< 1 s") if n >= FULL_SIZE else None,
            note=f"{result.matched:,} matched, {result.kept_count} kept; same leads as reference: {agree}",
            details={"service": service.as_dict(), "reference": reference.as_dict(), "agree": agree},
        )
    ]
