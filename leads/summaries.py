"""Dashboard cards of the leads app: what the preferences keep and what kept leads became; the
serving model and the outcomes collected."""

from django.db.models import Count, Q, Sum
from django.urls import reverse

from core.formatting import percent
from core.stats import Rate, wilson_interval
from leads.models import Execution, ExecutionStatus, Lead, LeadScore, Outcome
from leads.models.lead_feedback import ConversionStatus
from leads.services.scoring.champion import serving_model
from leads.services.scoring.settings import scoring_settings


def dashboard_cards(workspace):
    return [*preference_cards(workspace), *scoring_cards(workspace)]


def preference_cards(workspace):
    runs = Execution.objects.for_workspace(workspace).aggregate(
        n=Count("id"),
        ok=Count("id", filter=Q(status__in=[ExecutionStatus.SUCCEEDED, ExecutionStatus.PARTIAL])),
        failed=Count("id", filter=Q(status=ExecutionStatus.FAILED)),
        generated=Sum("leads_generated"),
        kept=Sum("leads_kept"),
    )
    if not runs["n"]:
        return []
    leads = Lead.objects.for_workspace(workspace).filter(execution__isnull=False)
    judged = leads.filter(feedback__isnull=False).values("id").distinct().count()
    converted = (
        leads.filter(feedback__conversion_status=ConversionStatus.CONVERTED).values("id").distinct().count()
    )
    success = Rate(runs["ok"], runs["ok"] + runs["failed"])
    conversion = Rate(converted, judged)
    generated, kept = runs["generated"] or 0, runs["kept"] or 0

    def interval(r):
        return "no data" if r.value is None else f"95% CI {percent(r.low)}–{percent(r.high)}"

    return [
        {
            "title": "Lead runs succeeding",
            "value": percent(success.value),
            "n": success.n,
            "detail": f"{interval(success)}; {runs['failed']} failed",
            "url": reverse("leads:agents"),
        },
        {
            "title": "Generated leads kept by preferences",
            "value": f"{kept} of {generated}",
            "n": generated,
            "detail": "filtered in the worker",
            "url": reverse("leads:preferences"),
        },
        {
            "title": "Kept leads converted",
            "value": percent(conversion.value),
            "n": conversion.n,
            "detail": f"{interval(conversion)}; of leads with feedback",
            "url": reverse("leads:index"),
        },
    ]


def scoring_cards(workspace):
    _, version, label = serving_model(workspace)
    row = scoring_settings(workspace)
    # Every outcome ever recorded (a loop app never reads analytics' rollups).
    totals = Outcome.objects.for_workspace(workspace).aggregate(
        n=Count("id"), won=Count("id", filter=Q(won=True))
    )
    n, won = totals["n"], totals["won"]
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
