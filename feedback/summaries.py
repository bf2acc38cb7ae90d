"""Dashboard cards of the output feedback loop, with the alert when the success rate fell."""

from django.urls import reverse

from feedback import services
from feedback.models import FeedbackReport
from workspaces.labels import signed_points


def _pct(rate):
    return "–" if rate is None else f"{rate * 100:.0f}%"


def dashboard_cards(workspace):
    cards = []
    alert = services.latest_alert(workspace)
    if alert is not None:
        data = alert.data
        cards.append(
            {
                "title": f"Alert: output success rate fell {abs(alert.improvement_vs_previous):.1f} points",
                "value": f"{_pct(data['previous_success_rate'])} → {_pct(data['success_rate'])}",
                "n": alert.total_prompts,
                "detail": f"week {alert.period} against the week before (n={data['previous_total_prompts']})",
                "url": reverse("feedback:report_detail", args=[alert.pk]),
            }
        )
    summary = services.overview(workspace, days=30)
    stat = summary["stat"]
    detail = "no rated outputs in the last 30 days"
    if stat["n"]:
        detail = f"95% CI {_pct(stat['low'])}–{_pct(stat['high'])}, last 30 days"
    cards.append(
        {
            "title": "Output success rate",
            "value": _pct(stat["rate"]),
            "n": stat["n"],
            "detail": detail,
            "url": reverse("feedback:index"),
        }
    )
    latest = FeedbackReport.objects.for_workspace(workspace).first()
    if latest is not None:
        change = latest.improvement_vs_previous
        cards.append(
            {
                "title": f"Latest report {latest.period}",
                "value": signed_points(change),
                "n": latest.total_prompts,
                "detail": "success rate change against the previous period",
                "url": reverse("feedback:report_detail", args=[latest.pk]),
            }
        )
    return cards
