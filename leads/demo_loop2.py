"""Demo data for loop 2: scored leads with outcomes, a trained champion and a kept challenger."""

from datetime import timedelta

import numpy as np
from django.utils import timezone

from leads.models import Lead, Outcome, OutcomeSource
from leads.services.scoring import retrain, score_leads, scoring_settings

INDUSTRIES = ["Technology", "Healthcare", "Retail", "Finance", "Manufacturing"]
SOURCES = ["Webinar", "Referral", "Cold Call", "Email Campaign", "Organic", "Trade Show"]
CITIES = ["New York", "Austin", "San Francisco", "Chicago", "Boston"]


def _leads(workspace, n, start, rng):
    visits = rng.poisson(6, n)
    opens = visits * 2 + rng.poisson(3, n)
    downloads = rng.poisson(1.5, n)
    days = rng.integers(0, 90, n)
    industry = rng.choice(INDUSTRIES, n)
    source = rng.choice(SOURCES, n)
    size = rng.choice(["1-10", "11-50", "51-200", "201-1000"], n)
    logit = (
        -1.2
        + 0.15 * (visits - 6)
        + 0.3 * (downloads - 1.5)
        - 0.02 * (days - 45)
        + np.where(source == "Referral", 1.6, 0.0)
        + np.where(source == "Cold Call", -1.2, 0.0)
        + np.where(industry == "Technology", 1.0, 0.0)
        + np.where(size == "201-1000", 0.8, 0.0)
    )
    won = rng.uniform(size=n) < 1 / (1 + np.exp(-logit))
    leads = Lead.objects.bulk_create(
        [
            Lead(
                workspace=workspace,
                external_id=f"DEMO-{start + i:05d}",
                name=f"Demo lead {start + i}",
                industry=str(industry[i]),
                location=str(rng.choice(CITIES)),
                source=str(source[i]),
                email_opens=int(opens[i]),
                website_visits=int(visits[i]),
                content_downloads=int(downloads[i]),
                days_since_contact=int(days[i]),
                attributes={"team_size": str(size[i]), "age": int(rng.integers(24, 65))},
            )
            for i in range(n)
        ]
    )
    return leads, won


def seed_loop2(workspace, user):
    """600 leads: 500 with outcomes over the last weeks, trained into v1; 100 open leads scored."""
    if Lead.objects.for_workspace(workspace).filter(external_id__startswith="DEMO-").exists():
        return
    rng = np.random.default_rng(42)
    scoring_settings(workspace)
    closed, won = _leads(workspace, 500, 0, rng)
    now = timezone.now()
    Outcome.objects.bulk_create(
        [
            Outcome(
                workspace=workspace,
                lead=lead,
                won=bool(won[i]),
                source=OutcomeSource.DEMO,
                recorded_at=now - timedelta(hours=500 - i),
                recorded_by=user,
            )
            for i, lead in enumerate(closed)
        ]
    )
    score_leads(workspace, closed[:60])  # scored by the prior before any outcome
    retrain(workspace, trigger="demo")
    open_leads, _ = _leads(workspace, 100, 1000, rng)
    score_leads(workspace, open_leads)
