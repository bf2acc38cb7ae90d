"""Dashboard cards of loop 1: how many generated leads the preferences keep, and what the kept ones became."""

from django.db.models import Count, Q, Sum
from django.urls import reverse

from leads.models import Execution, ExecutionStatus, Lead
from leads.models.lead_feedback import ConversionStatus
from leads.performance import rate


def _percent(value):
    return "–" if value is None else f"{100 * value:.0f}%"


def dashboard_cards(workspace):
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
    success = rate(runs["ok"], runs["ok"] + runs["failed"])
    conversion = rate(converted, judged)
    generated, kept = runs["generated"] or 0, runs["kept"] or 0

    def interval(r):
        return "no data" if r.value is None else f"95% CI {_percent(r.low)}–{_percent(r.high)}"

    return [
        {
            "title": "Lead runs succeeding",
            "value": _percent(success.value),
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
            "value": _percent(conversion.value),
            "n": conversion.n,
            "detail": f"{interval(conversion)}; of leads with feedback",
            "url": reverse("leads:index"),
        },
    ]
