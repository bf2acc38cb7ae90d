"""Dashboard cards of loop 2: the serving model and the outcomes collected."""

from django.urls import reverse

from analytics.intervals import wilson_interval
from analytics.rollups import all_time_totals
from leads.models import LeadScore
from leads.services.scoring import scoring_settings, serving_model


def dashboard_cards(workspace):
    _, version, label = serving_model(workspace)
    row = scoring_settings(workspace)
    # Every outcome ever recorded, from the analytics rollups (equal to a count of the rows).
    totals = all_time_totals(workspace, "outcomes")
    n, won = totals["n"], totals["hits"]
    auc = (version.metrics or {}).get("auc") if version else None
    detail = (
        f"held-out AUC {auc['value']:.2f} (95% CI {auc['low']:.2f}-{auc['high']:.2f})"
        if auc
        else "the no-outcome prior (a published rule)"
        if version is None
        else version.description
    )
    if n:
        low, high = wilson_interval(won, n)
        won_detail = f"{won / n:.0%} won (95% CI {low:.0%}-{high:.0%}); {row.outcomes_since_training} since last training"
    else:
        won_detail = "no outcomes yet"
    return [
        {
            "title": "Lead scoring model",
            "value": label,
            "n": LeadScore.objects.for_workspace(workspace).count(),
            "detail": detail,
            "url": reverse("leads:scoring_status"),
        },
        {
            "title": "Lead outcomes collected",
            "value": n,
            "n": n,
            "detail": won_detail,
            "url": reverse("leads:scoring_status"),
        },
    ]
