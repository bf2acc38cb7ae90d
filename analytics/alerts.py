"""Alerts from every loop in one list: failed jobs, falling success rates, drift, matching thresholds."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone


@dataclass
class Alert:
    source: str
    message: str
    at: datetime | None
    url: str = ""
    level: str = "warning"

    def as_dict(self):
        return {
            "source": self.source,
            "message": self.message,
            "at": self.at.isoformat() if self.at else None,
            "url": self.url,
            "level": self.level,
        }


def failed_jobs(workspace, since):
    from content.models import MetricImport, WinnerRun
    from leads.models import Execution, LeadImport

    alerts = []
    for execution in (
        Execution.objects.for_workspace(workspace)
        .filter(status="failed", created_at__gte=since)
        .select_related("recipe")[:20]
    ):
        alerts.append(
            Alert(
                "Leads",
                f"Recipe run “{execution.recipe.name}” failed: {execution.error[:160]}",
                execution.finished_at or execution.created_at,
                reverse("leads:execution_detail", args=[execution.pk]),
                "error",
            )
        )
    for item in LeadImport.objects.for_workspace(workspace).filter(status="failed", created_at__gte=since)[
        :10
    ]:
        alerts.append(
            Alert(
                "Leads",
                f"Import of {item.file_name} failed: {item.failure[:160]}",
                item.created_at,
                "",
                "error",
            )
        )
    for item in MetricImport.objects.for_workspace(workspace).filter(status="failed", created_at__gte=since)[
        :10
    ]:
        alerts.append(
            Alert(
                "Content",
                f"Metrics import of {item.file_name} failed: {item.error[:160]}",
                item.created_at,
                reverse("content:import", args=[item.pk]),
                "error",
            )
        )
    for run in WinnerRun.objects.for_workspace(workspace).filter(created_at__gte=since, errors__gt=0)[:10]:
        alerts.append(
            Alert(
                "Content",
                f"Winner job of {run.run_date} had {run.errors} error(s)",
                run.finished_at or run.created_at,
                reverse("content:run", args=[run.pk]),
                "error",
            )
        )
    return alerts


def loop_alerts(workspace, sections=None):
    """Alerts each loop raises about itself (its summaries' cards titled 'Alert'); ``sections`` are
    the cards the dashboard already collected (analytics.dashboard.dashboard_sections)."""
    from analytics.dashboard import dashboard_sections

    alerts = []
    for section in sections if sections is not None else dashboard_sections(workspace):
        for card in section["cards"]:
            title = str(card.get("title", ""))
            if title.lower().startswith("alert"):
                subject = title.split(":", 1)[1].strip() if ":" in title else ""
                message = f"{subject}: {card.get('value', '')}" if subject else str(card.get("value", ""))
                if card.get("n") is not None:
                    message += f" (n={card['n']})"
                alerts.append(Alert(section["label"], message, None, card.get("url", "")))
    return alerts


def collect_alerts(workspace, days=30, sections=None):
    since = timezone.now() - timedelta(days=days)
    alerts = loop_alerts(workspace, sections) + failed_jobs(workspace, since)
    # Standing alerts (no time) first, then the newest failures.
    alerts.sort(key=lambda a: a.at or timezone.now() + timedelta(days=1), reverse=True)
    return alerts
