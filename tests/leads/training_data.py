"""Leads with a learnable conversion signal, for retraining tests (small and fast)."""

from datetime import timedelta

import numpy as np
from django.utils import timezone

from leads.models import Lead, Outcome


def make_leads_with_outcomes(workspace, n, seed=0, start=0, noise_labels=False, minutes_ago=None):
    """n leads whose outcomes follow engagement (or, with noise_labels, a coin flip),
    recorded one minute apart and oldest first."""
    rng = np.random.default_rng(seed)
    visits = rng.poisson(5, n)
    days = rng.integers(0, 60, n)
    industry = rng.choice(["Technology", "Healthcare", "Retail"], n)
    logit = -1.0 + 0.5 * (visits - 5) - 0.04 * (days - 30) + np.where(industry == "Technology", 0.8, 0.0)
    won = rng.uniform(size=n) < 1 / (1 + np.exp(-logit))
    if noise_labels:
        won = rng.uniform(size=n) < 0.4
    now = timezone.now()
    base = minutes_ago if minutes_ago is not None else n + 10
    leads = Lead.objects.bulk_create(
        [
            Lead(
                workspace=workspace,
                external_id=f"T-{start + i}",
                industry=str(industry[i]),
                website_visits=int(visits[i]),
                email_opens=int(visits[i] * 2 + rng.integers(0, 3)),
                days_since_contact=int(days[i]),
                attributes={"region": str(rng.choice(["north", "south"]))},
            )
            for i in range(n)
        ]
    )
    Outcome.objects.bulk_create(
        [
            Outcome(
                workspace=workspace,
                lead=lead,
                won=bool(won[i]),
                source="import",
                recorded_at=now - timedelta(minutes=base - i),
            )
            for i, lead in enumerate(leads)
        ]
    )
    return leads
