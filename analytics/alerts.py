"""Alerts from every loop in one list, each linking to the page where it is fixed; the loops' own
services decide what is wrong, this module only gathers their answers."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from content.models import Brand, MetricImport, WinnerRun, WinningCopy
from content.performance import FADE_DAYS
from content.performance import fading_winners as brand_fading_winners
from core.formatting import percent
from feedback.queries import latest_alert
from leads.models import Execution, LeadImport, LeadScore, ScoringModelVersion
from leads.models.scoring import ModelDecision
from leads.services.scoring.champion import serving_model
from leads.services.scoring.status import drift_report
from leads.services.suggestions import suggestion_alerts
from matching.performance import matching_analytics

# Drift reads up to a thousand recent scores: worked out once per model and newest score, not on
# every dashboard load.
DRIFT_CACHE_SECONDS = 600


@dataclass
class Alert:
    source: str
    message: str
    at: datetime | None
    url: str = ""
    level: str = "warning"
    kind: str = ""  # what went wrong, e.g. "drift", "failed_import": lets clients group alerts

    def as_dict(self):
        return {
            "source": self.source,
            "kind": self.kind,
            "message": self.message,
            "at": self.at.isoformat() if self.at else None,
            "url": self.url,
            "level": self.level,
        }


def failed_jobs(workspace, since):
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
                "failed_recipe_run",
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
                reverse("leads:import_detail", args=[item.pk]),
                "error",
                "failed_lead_import",
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
                "failed_metric_import",
            )
        )
    runs = WinnerRun.objects.for_workspace(workspace).filter(
        Q(status=WinnerRun.Status.FAILED) | Q(errors__gt=0), created_at__gte=since
    )
    for run in runs[:10]:
        alerts.append(
            Alert(
                "Content",
                f"Winner job of {run.run_date} failed"
                if run.status == WinnerRun.Status.FAILED
                else f"Winner job of {run.run_date} had {run.errors} error(s)",
                run.finished_at or run.created_at,
                reverse("content:run", args=[run.pk]),
                "error",
                "failed_winner_job",
            )
        )
    return alerts


def failed_retrainings(workspace, since):
    return [
        Alert(
            "Leads",
            f"Retraining {version.label} failed: {version.reason[:160]}",
            version.created_at,
            reverse("leads:scoring_status"),
            "error",
            "failed_retraining",
        )
        for version in ScoringModelVersion.objects.for_workspace(workspace).filter(
            decision=ModelDecision.FAILED, created_at__gte=since
        )[:10]
    ]


def scoring_drift(workspace):
    """The serving model's drift report, when recent scores or inputs moved past PSI 0.2."""
    model, version, label = serving_model(workspace)
    if version is None:
        return []
    newest = LeadScore.objects.for_workspace(workspace).filter(model=version).order_by("-created_at").first()
    if newest is None:
        return []
    key = f"analytics:drift:{workspace.pk}:{version.pk}:{newest.pk}"
    report = cache.get(key)
    if report is None:
        report = drift_report(workspace, model, version) or {}
        cache.set(key, report, DRIFT_CACHE_SECONDS)
    if not report.get("warning"):
        return []
    moved = (
        [f"scores (PSI {report['score_psi']:.2f})"]
        if (report["score_psi"] or 0) > report["threshold"]
        else []
    )
    moved += [
        f"{name} (PSI {psi:.2f})" for name, psi in report["features"].items() if psi > report["threshold"]
    ]
    return [
        Alert(
            "Leads",
            f"Model {label} drifted past PSI {report['threshold']:.1f}: {', '.join(moved)} "
            f"(n={report['n']:,} recent scores); retrain or check the inputs",
            None,
            reverse("leads:scoring_status"),
            "warning",
            "drift",
        )
    ]


def fading_winners(workspace):
    alerts = []
    brands = Brand.objects.for_workspace(workspace).filter(
        pk__in=WinningCopy.objects.for_workspace(workspace).filter(is_current=True).values("brand")
    )
    for brand in brands:
        for row in brand_fading_winners(workspace, brand):
            if row["fading"]:
                alerts.append(
                    Alert(
                        "Content",
                        f"Winner of “{row['winner'].experiment.name}” ({brand.name}) is fading: "
                        f"CTR {percent(row['recent_ctr'], 1)} over the last {FADE_DAYS} days "
                        f"(n={row['recent_impressions']:,} impressions), below its winning interval",
                        None,
                        reverse("content:brand", args=[brand.pk]),
                        "warning",
                        "fading_winner",
                    )
                )
    return alerts


def matching_thresholds(workspace):
    return [
        Alert(
            "Matching",
            item["message"],
            None,
            reverse("matching:analytics"),
            "warning",
            f"matching_{item['metric']}",
        )
        for item in matching_analytics(workspace, days=30)["alerts"]
    ]


def output_thresholds(workspace):
    report = latest_alert(workspace)
    if report is None:
        return []
    data = report.data
    return [
        Alert(
            "Output feedback",
            f"Output success rate fell {abs(report.improvement_vs_previous):.1f} points in week {report.period}: "
            f"{percent(data['previous_success_rate'])} (n={data['previous_total_prompts']:,}) → "
            f"{percent(data['success_rate'])} (n={report.total_prompts:,})",
            None,
            reverse("feedback:report_detail", args=[report.pk]),
            "warning",
            "output_success_fell",
        )
    ]


def preference_suggestions(workspace):
    return [
        Alert("Leads", message, None, reverse("leads:preferences"), "info", "preference_suggestion")
        for message, _n in suggestion_alerts(workspace)
    ]


def collect_alerts(workspace, days=30):
    since = timezone.now() - timedelta(days=days)
    alerts = (
        scoring_drift(workspace)
        + preference_suggestions(workspace)
        + fading_winners(workspace)
        + matching_thresholds(workspace)
        + output_thresholds(workspace)
        + failed_retrainings(workspace, since)
        + failed_jobs(workspace, since)
    )
    # Standing alerts (no time) first, then the newest failures.
    alerts.sort(key=lambda a: a.at or timezone.now() + timedelta(days=1), reverse=True)
    return alerts
