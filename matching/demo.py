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
# how much a customer cares about each factor (per standard deviation) when they state nothing, and how
# much a stated importance moves it: customers who say price matters most do pick cheaper providers
BASE_TASTE = [0.8, 0.8, 0.6, 0.4, 0.2]
STATED_SHIFT = 1.0  # weight added per step of (stated importance - 3) / 2 on the factor's dimension
DIMENSIONS = ("price", "quality", "speed", "proximity")
LEARNING_SESSIONS = 116
# sessions ranked after learning, so their pages say how the stated priorities moved the ranks
SHOWCASE = [
    ("Showcase: price first", {"price": 5, "quality": 2, "speed": 3}),
    ("Showcase: quality first", {"price": 1, "quality": 5}),
    ("Showcase: in a hurry", {"price": 3, "speed": 5}),
    ("Showcase: close by", {"price": 2, "proximity": 5}),
]


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
    dims = [f.dimension for f in factors]
    for i in range(LEARNING_SESSIONS):
        stated = {d: int(rng.integers(1, 6)) for d in DIMENSIONS if rng.random() < 0.8}
        taste = np.array(
            [b + STATED_SHIFT * (stated.get(d, 3) - 3) / 2 for b, d in zip(BASE_TASTE, dims, strict=True)]
        )
        session = start_session(
            workspace,
            customer_ref=f"customer-{i % 80:02d}",
            complexity=["low", "medium", "high"][int(rng.integers(0, 3))],
            stated_preferences=stated,
            limit=6,
            user=user,
        )
        started = now - timedelta(days=float(rng.uniform(0, 60)))
        MatchingSession.objects.filter(pk=session.pk).update(created_at=started)
        recs = list(session.recommendations.order_by("rank"))
        values = np.array([[r.factor_values[k] for k in keys] for r in recs]) * directions
        z = (values - values.mean(0)) / (values.std(0) + 1e-9)
        utility = z @ taste - 0.4 * np.log([r.rank for r in recs])
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
            # some customers also say what mattered most: the factor they care most about
            important_factors=[keys[int(np.argmax(taste))]] if rng.random() < 0.4 else [],
            created_at=started,
        )
    learn_weights(workspace)
    for customer, stated in SHOWCASE:
        start_session(workspace, customer_ref=customer, stated_preferences=stated, limit=6, user=user)
