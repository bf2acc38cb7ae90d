"""Dashboard cards of the output feedback loop, with the alert when the success rate fell."""

from django.urls import reverse

from core.formatting import percent
from feedback import queries
from feedback.models import FeedbackReport
from workspaces.labels import signed_points


def dashboard_cards(workspace):
    cards = []
    alert = queries.latest_alert(workspace)
    if alert is not None:
        data = alert.data
        cards.append(
            {
                "title": f"Alert: output success rate fell {abs(alert.improvement_vs_previous):.1f} points",
                "value": f"{percent(data['previous_success_rate'])} → {percent(data['success_rate'])}",
                "n": alert.total_prompts,
                "detail": f"week {alert.period} against the week before (n={data['previous_total_prompts']})",
                "url": reverse("feedback:report_detail", args=[alert.pk]),
            }
        )
    summary = queries.overview(workspace, days=30)
    stat = summary["stat"]
    detail = "no rated outputs in the last 30 days"
    if stat["n"]:
        detail = f"95% CI {percent(stat['low'])}–{percent(stat['high'])}, last 30 days"
    cards.append(
        {
            "title": "Output success rate",
            "value": percent(stat["rate"]),
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
