"""Deterministic leads with outcomes: as columns (for setup inserts) and as a CRM-style CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io

import numpy as np

from bench import bulk
from leads.models import Lead, Outcome

INDUSTRIES = ["SaaS", "AI", "B2B", "Fintech", "Retail", "Healthcare", "Logistics", "Education",
              "Manufacturing", "Media", "Energy", "Insurance"]  # fmt: skip
LOCATIONS = ["San Francisco, CA", "New York, NY", "Austin, TX", "London, UK", "Berlin, Germany",
             "Toronto, Canada", "Paris, France", "Boston, MA"]  # fmt: skip
TITLES = ["Founder", "Co-founder & CEO", "CEO", "VP Sales", "Head of Growth", "CTO", "Sales Director",
          "Marketing Manager", "Software Engineer", "Operations Lead"]  # fmt: skip
SOURCES = ["webinar", "referral", "paid search", "organic", "event", "outbound"]
PLANS = ["free", "starter", "team", "enterprise"]
CSV_COLUMNS = ["lead_id", "name", "email", "company", "industry", "location", "company_size", "title",
               "lead_source", "email_opens", "website_visits", "content_downloads", "days_since_contact",
               "engagement_score", "quality_score", "plan", "budget", "converted"]  # fmt: skip


def generate(n: int, seed: int = 11, prefix: str = "L", days: int = 60) -> dict:
    """n leads as column lists, with a won/lost outcome that depends on their features."""
    rng = np.random.default_rng(seed)
    industry = rng.integers(0, len(INDUSTRIES), n)
    location = rng.integers(0, len(LOCATIONS), n)
    title = rng.integers(0, len(TITLES), n)
    source = rng.integers(0, len(SOURCES), n)
    plan = rng.integers(0, len(PLANS), n)
    size = (rng.lognormal(4, 1.3, n) + 1).astype(int)
    opens = rng.poisson(3, n)
    visits = rng.poisson(5, n)
    downloads = rng.poisson(1, n)
    since = rng.integers(0, 120, n)
    engagement = np.round(rng.beta(3, 3, n), 3)
    quality = np.round(rng.beta(3, 2, n), 3)
    budget = np.round(rng.lognormal(9, 1, n), 2)
    missing_budget = rng.random(n) < 0.15
    logit = (
        -2.2
        + 1.8 * engagement
        + 0.25 * np.log1p(visits)
        + 0.35 * (plan >= 2)
        + 0.3 * np.isin(title, [0, 1, 2, 3])
        - 0.01 * since
        + 0.15 * (industry % 3 == 0)
        + rng.normal(0, 0.6, n)
    )
    won = rng.random(n) < 1 / (1 + np.exp(-logit))
    seconds = rng.integers(0, days * 86400, n)
    company_no = rng.integers(0, max(50, n // 20), n)
    ids = [f"{prefix}{i:07d}" for i in range(n)]
    return {
        "external_id": ids,
        "name": [f"Lead {i}" for i in range(n)],
        "email": [f"lead{i}@example.com" for i in range(n)],
        "company": [f"Company {c}" for c in company_no.tolist()],
        "industry": [INDUSTRIES[i] for i in industry.tolist()],
        "location": [LOCATIONS[i] for i in location.tolist()],
        "company_size": size.tolist(),
        "title": [TITLES[i] for i in title.tolist()],
        "source": [SOURCES[i] for i in source.tolist()],
        "email_opens": opens.tolist(),
        "website_visits": visits.tolist(),
        "content_downloads": downloads.tolist(),
        "days_since_contact": since.tolist(),
        "engagement_score": engagement.tolist(),
        "quality_score": quality.tolist(),
        "plan": [PLANS[i] for i in plan.tolist()],
        "budget": [None if m else b for m, b in zip(missing_budget.tolist(), budget.tolist(), strict=True)],
        "won": won.tolist(),
        "age_seconds": seconds.tolist(),
    }


def to_csv(leads: dict) -> bytes:
    """The leads as a CRM export: outcome column `converted` (yes/no), empty cells for missing."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for i in range(len(leads["external_id"])):
        writer.writerow(
            [
                leads["external_id"][i], leads["name"][i], leads["email"][i], leads["company"][i],
                leads["industry"][i], leads["location"][i], leads["company_size"][i], leads["title"][i],
                leads["source"][i], leads["email_opens"][i], leads["website_visits"][i],
                leads["content_downloads"][i], leads["days_since_contact"][i], leads["engagement_score"][i],
                leads["quality_score"][i], leads["plan"][i],
                "" if leads["budget"][i] is None else leads["budget"][i],
                "yes" if leads["won"][i] else "no",
            ]
        )  # fmt: skip
    return out.getvalue().encode()


def insert(workspace, leads: dict, ids, now: dt.datetime, with_outcomes: bool = True) -> list:
    """Write the leads (and their outcomes) with fast inserts; returns the lead ids."""

    n = len(leads["external_id"])
    lead_ids = ids.many(n)
    created = [now - dt.timedelta(seconds=s) for s in leads["age_seconds"]]
    attributes = [
        {"plan": p} if b is None else {"plan": p, "budget": b}
        for p, b in zip(leads["plan"], leads["budget"], strict=True)
    ]
    columns = {
        name: leads[name]
        for name in ("external_id", "name", "email", "company", "industry", "location", "company_size",
                     "title", "source", "email_opens", "website_visits", "content_downloads",
                     "days_since_contact", "engagement_score", "quality_score")
    }  # fmt: skip
    bulk.insert(
        Lead,
        {**columns, "id": lead_ids, "workspace": [workspace.id] * n, "attributes": attributes,
         "created_at": created, "updated_at": created},
        ids,
    )  # fmt: skip
    if with_outcomes:
        bulk.insert(
            Outcome,
            {"lead": lead_ids, "workspace": [workspace.id] * n, "won": leads["won"],
             "source": ["import"] * n, "recorded_at": created, "created_at": created},
            ids,
        )  # fmt: skip
    return lead_ids
