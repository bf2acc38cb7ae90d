"""A seeded simulation of loop 1 learning its preferences (pure): generated leads whose usefulness
depends on their industry and engagement, a team whose preferences start too strict on one industry
and too loose on another, feedback run after run, and every suggestion applied as it appears.
Used by tests/leads/test_preference_suggestions_simulation.py and bench/scenario_preference_learning.py.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np

from leads.filtering import LeadPreferences, draw_near_misses, filter_leads
from leads.preference_learning import Judged, apply_change, suggest_changes

# The truth: how often the team finds a lead of each industry useful (at engagement 0.5); engagement
# adds up to 10 points either way. Healthcare is good but left out, Retail is bad but kept.
USEFUL_BY_INDUSTRY = {
    "SaaS": 0.50,
    "Fintech": 0.50,
    "AI": 0.50,
    "Healthcare": 0.75,
    "Retail": 0.15,
    "Manufacturing": 0.20,
    "Education": 0.25,
}
TITLES = ("CEO", "Founder", "VP Sales", "Head of Growth", "Engineer")
START = LeadPreferences(
    preferred_industries=("SaaS", "Fintech", "AI", "Retail"),
    min_engagement_score=0.3,
    seniority_levels=("CEO", "Founder", "VP Sales", "Head of Growth"),
)
# What the simulation is measured against: the start with its two planted mistakes corrected.
BEST = dataclasses.replace(START, preferred_industries=("SaaS", "Fintech", "AI", "Healthcare"))


def useful_probability(industry: str, engagement: float) -> float:
    return min(1.0, max(0.0, USEFUL_BY_INDUSTRY[industry] + 0.2 * (engagement - 0.5)))


def generate(rng: np.random.Generator, count: int) -> list[dict]:
    industries = list(USEFUL_BY_INDUSTRY)
    picks = rng.integers(0, len(industries), count)
    titles = rng.integers(0, len(TITLES), count)
    engagement = np.round(rng.beta(4, 2, count), 2)
    return [
        {
            "industry": industries[int(i)],
            "title": TITLES[int(t)],
            "engagement_score": float(e),
            "quality_score": 0.5,
        }
        for i, t, e in zip(picks, titles, engagement, strict=True)
    ]


def expected_useful_rate(prefs: LeadPreferences, rng_seed: int = 99, count: int = 20_000) -> float:
    """The true useful rate of the leads these preferences keep (on a large fresh sample)."""
    leads = generate(np.random.default_rng(rng_seed), count)
    kept = filter_leads(leads, dataclasses.replace(prefs, max_leads_per_execution=None)).kept
    if not kept:
        return 0.0
    return float(np.mean([useful_probability(lead["industry"], lead["engagement_score"]) for lead in kept]))


@dataclass
class SimulationResult:
    runs: int
    exploration_share: float
    best_rate: float
    start_rate: float
    rate_by_run: list[float] = field(
        default_factory=list
    )  # true useful rate of the preferences after each run
    applied: list[tuple[int, str]] = field(default_factory=list)  # (run, suggestion text)
    explored: int = 0
    final_preferences: LeadPreferences | None = None

    @property
    def final_gap(self) -> float:
        """Points the final preferences are below the best (negative: above)."""
        return 100 * (self.best_rate - self.rate_by_run[-1])

    def runs_to_within(self, points: float = 5.0) -> int | None:
        """The first run after which the kept leads' useful rate stays within ``points`` of the best."""
        for run in range(len(self.rate_by_run)):
            if all(100 * (self.best_rate - r) <= points for r in self.rate_by_run[run:]):
                return run + 1
        return None

    def found(self, industry: str) -> bool:
        prefs = self.final_preferences
        return prefs is not None and industry in prefs.preferred_industries


def simulate(
    runs: int = 80,
    leads_per_run: int = 200,
    exploration_share: float = 0.05,
    max_per_run: int = 3,
    feedback_share: float = 0.7,
    seed: int = 17,
    review_every: int = 5,
) -> SimulationResult:
    """Run the loop: generate, filter, explore, judge, suggest, apply; the same pure code the worker
    and the suggestions service use."""
    rng = np.random.default_rng(seed)
    prefs, credit = START, 0.0
    rates = {}

    def true_rate(p):
        key = (p.preferred_industries, p.min_engagement_score, p.seniority_levels)
        if key not in rates:
            rates[key] = expected_useful_rate(p)
        return rates[key]

    result = SimulationResult(runs, exploration_share, true_rate(BEST), true_rate(START))
    judged: list[Judged] = []
    for run in range(1, runs + 1):
        leads = generate(rng, leads_per_run)
        filtered = filter_leads(leads, prefs)
        draw = draw_near_misses(filtered, exploration_share, max_per_run, credit, seed=seed * 100_003 + run)
        credit = draw.credit
        shown = [(leads[int(i)], 1.0, "") for i in filtered.kept_indices]
        shown += [(leads[p], draw.probability, c) for p, c in zip(draw.positions, draw.criteria, strict=True)]
        result.explored += len(draw.positions)
        for lead, probability, criterion in shown:
            if rng.random() >= feedback_share:
                continue
            useful = bool(rng.random() < useful_probability(lead["industry"], lead["engagement_score"]))
            judged.append(
                Judged(lead, probability, criterion, useful, converted=useful and rng.random() < 0.3)
            )
        # The strongest suggestion is applied; the judgements stay: suggest_changes places every
        # judged lead again under the preferences of the day.
        # The team reviews the suggestions every few runs (a weekly look at the preferences page).
        due = run % review_every == 0
        for suggestion in suggest_changes(judged, prefs)[:1] if due else ():
            prefs = apply_change(dataclasses.asdict(prefs), suggestion.change)
            result.applied.append((run, suggestion.text))
        result.rate_by_run.append(true_rate(prefs))
    result.final_preferences = prefs
    return result
