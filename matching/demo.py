"""Demo data for the matching loop: manufacturers, sessions ranked and chosen, learned weights."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
from django.utils import timezone

from matching.models import Candidate, Choice, Factor, Interaction, MatchingSession
from matching.services.sessions import start_session
from matching.services.weights import learn_weights

FACTORS = [
    # key, label, higher is better, dimension, default weight
    ("unit_price", "unit price", False, "price", 1.0),
    ("quality_score", "quality score", True, "quality", 1.0),
    ("lead_time_days", "lead time (days)", False, "speed", 1.0),
    ("distance_km", "distance (km)", False, "proximity", 0.5),
    ("capacity", "monthly capacity", True, "other", 0.5),
]
MANUFACTURERS = [
    "Apex Precision",
    "Baltic Castings",
    "Cobalt Works",
    "Delta Forge",
    "Evergreen Plastics",
    "Fulcrum Machining",
    "Granite Tooling",
    "Harbor Metals",
    "Ion Fabrication",
    "Juniper Molding",
    "Keystone Parts",
    "Lumen Assembly",
]
# how much customers of each segment care (per standard deviation), to simulate their choices
TASTES = {
    "price_sensitive": [1.6, 0.4, 0.3, 0.2, 0.1],
    "quality_focused": [0.3, 1.5, 0.3, 0.1, 0.2],
    "speed_priority": [0.4, 0.4, 1.5, 0.2, 0.3],
    "local_preference": [0.4, 0.4, 0.2, 1.5, 0.1],
    "premium_buyer": [0.0, 1.8, 0.5, 0.1, 0.3],
    "balanced": [0.7, 0.7, 0.6, 0.3, 0.2],
}
STATED = {
    "price_sensitive": {"price": 5, "quality": 3, "speed": 2},
    "quality_focused": {"price": 3, "quality": 5, "speed": 2},
    "speed_priority": {"price": 2, "quality": 3, "speed": 5},
    "local_preference": {"price": 2, "proximity": 5},
    "premium_buyer": {"price": 1, "quality": 5},
    "balanced": {"price": 3, "quality": 3, "speed": 3},
}


def seed(workspace, user) -> None:
    rng = np.random.default_rng(4)
    factors = []
    for i, (key, label, higher, dim, weight) in enumerate(FACTORS):
        factor, _ = Factor.objects.get_or_create(
            workspace=workspace,
            key=key,
            defaults={
                "label": label,
                "higher_is_better": higher,
                "dimension": dim,
                "default_weight": weight,
                "position": i,
            },
        )
        factors.append(factor)
    for name in MANUFACTURERS:
        Candidate.objects.get_or_create(
            workspace=workspace,
            name=name,
            defaults={
                "description": f"{name}: contract manufacturer.",
                "factor_values": {
                    "unit_price": round(float(rng.uniform(4, 20)), 2),
                    "quality_score": round(float(rng.uniform(55, 98)), 1),
                    "lead_time_days": int(rng.integers(5, 45)),
                    "distance_km": int(rng.integers(10, 1500)),
                    "capacity": int(rng.integers(1000, 50000)),
                },
            },
        )
    keys = [f.key for f in factors]
    directions = np.array([1.0 if f.higher_is_better else -1.0 for f in factors])
    now = timezone.now()
    segments = list(TASTES)
    for i in range(120):
        segment = segments[i % len(segments)]
        session = start_session(
            workspace,
            customer_ref=f"customer-{i % 80:02d}",
            complexity=["low", "medium", "high"][int(rng.integers(0, 3))],
            stated_preferences=STATED[segment],
            limit=6,
            user=user,
        )
        started = now - timedelta(days=float(rng.uniform(0, 60)))
        MatchingSession.objects.filter(pk=session.pk).update(created_at=started)
        recs = list(session.recommendations.order_by("rank"))
        values = np.array([[r.factor_values[k] for k in keys] for r in recs]) * directions
        z = (values - values.mean(0)) / (values.std(0) + 1e-9)
        utility = z @ np.array(TASTES[segment]) - 0.4 * np.log([r.rank for r in recs])
        utility += rng.gumbel(size=len(recs))
        for r in recs[: int(rng.integers(1, 4))]:
            Interaction.objects.create(
                workspace=workspace,
                session=session,
                recommendation=r,
                interaction_type="expanded",
                viewed_explanation_level="detailed",
                helpful_rating=int(rng.integers(3, 6)),
                time_spent_seconds=float(rng.uniform(5, 90)),
                created_at=started,
            )
        if rng.random() < 0.15:
            continue  # the customer left without choosing
        chosen = recs[int(np.argmax(utility))]
        Choice.objects.create(
            workspace=workspace,
            session=session,
            candidate=chosen.candidate,
            chosen_rank=chosen.rank,
            satisfaction=int(np.clip(round(rng.normal(4.4 - 0.3 * chosen.rank, 0.6)), 1, 5)),
            decision_time_seconds=float(rng.uniform(30, 900)),
            created_at=started,
        )
    learn_weights(workspace)
