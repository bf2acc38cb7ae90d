"""Per-entity tables for a period: agents, recipes, model versions, brands, segments, frameworks."""

from django.conf import settings
from django.db.models import Avg, Count, Q, Sum
from django.urls import reverse

from analytics.tables import Column, Table, rate_cells
from content.models import Brand, DailyMetric, WinnerDecision
from feedback.models import FeedbackEntry
from leads.models import Agent, Execution, LeadFeedback, Recipe, ScoringModelVersion, ScoringSettings
from leads.models.executions import SUCCESSFUL
from leads.selectors import near_miss_leads
from matching.models import MatchingSession
from workspaces.labels import humanize_key


def _in(period, field_name):
    return {f"{field_name}__gte": period.start, f"{field_name}__lt": period.end}


def _lead_rows(workspace, period, group):
    """Runs and feedback per agent or recipe (group is "agent" or "recipe")."""
    runs = {
        row[group]: row
        for row in Execution.objects.for_workspace(workspace)
        .filter(**_in(period, "created_at"))
        .values(group)
        .annotate(
            runs=Count("pk"),
            succeeded=Count("pk", filter=Q(status__in=SUCCESSFUL)),
            generated=Sum("leads_generated"),
            kept=Sum("leads_kept"),
            response_ms=Avg("duration_ms"),
        )
    }
    counts = {
        "judged": Count("pk", filter=Q(useful__isnull=False)),
        "useful": Count("pk", filter=Q(useful=True)),
        "feedback": Count("pk"),
        "converted": Count("pk", filter=Q(conversion_status="converted")),
    }
    feedback = LeadFeedback.objects.for_workspace(workspace).filter(**_in(period, "created_at"))
    judged = {
        row[f"execution__{group}"]: row for row in feedback.values(f"execution__{group}").annotate(**counts)
    }
    # A run's near misses teach the preferences and do not grade the agent or recipe: their few
    # feedback rows (found through the partial index on near misses) are taken off.
    near_misses = feedback.filter(lead__in=near_miss_leads(workspace))
    for row in near_misses.values(f"execution__{group}").annotate(**counts):
        kept = judged[row[f"execution__{group}"]]
        for name in counts:
            kept[name] -= row[name]
    return runs, judged


def _lead_cells(runs, judged):
    """The cells an agent's and a recipe's row share, from their ``_lead_rows`` entries."""
    return {
        "runs": runs.get("runs", 0),
        "generated": runs.get("generated") or 0,
        "kept": runs.get("kept") or 0,
        **rate_cells("success_rate", runs.get("succeeded", 0), runs.get("runs", 0)),
        **rate_cells("useful_rate", judged.get("useful", 0), judged.get("judged", 0)),
        **rate_cells("conversion_rate", judged.get("converted", 0), judged.get("feedback", 0)),
    }


def agents_table(workspace, period):
    runs, judged = _lead_rows(workspace, period, "agent")
    rows = []
    for agent in Agent.objects.for_workspace(workspace).order_by("name"):
        r, j = runs.get(agent.pk, {}), judged.get(agent.pk, {})
        row = {
            "id": agent.pk,
            "name": agent.name,
            **_lead_cells(r, j),
            "response_ms": r.get("response_ms"),
        }
        rows.append(row)
    columns = [
        Column("name", "Agent"),
        Column("runs", "Runs", "count"),
        Column("success_rate", "Success rate", "rate", "Runs that succeeded (fully or partly)."),
        Column("generated", "Leads generated", "count"),
        Column("kept", "Leads kept", "count"),
        Column("useful_rate", "Useful", "rate", "Feedback marking the lead useful."),
        Column("conversion_rate", "Converted", "rate", "Feedback with conversion status converted."),
        Column("response_ms", "Avg response (ms)", "mean"),
    ]
    return Table(
        "agents", columns, rows, "runs", link=lambda r: reverse("leads:agent_detail", args=[r["id"]])
    )


def recipes_table(workspace, period):
    runs, judged = _lead_rows(workspace, period, "recipe")
    rows = []
    for recipe in Recipe.objects.for_workspace(workspace).select_related("agent").order_by("name"):
        r, j = runs.get(recipe.pk, {}), judged.get(recipe.pk, {})
        row = {
            "id": recipe.pk,
            "name": recipe.name,
            "agent": recipe.agent.name,
            **_lead_cells(r, j),
        }
        rows.append(row)
    columns = [
        Column("name", "Recipe"),
        Column("agent", "Agent"),
        Column("runs", "Runs", "count"),
        Column("success_rate", "Success rate", "rate"),
        Column("generated", "Leads generated", "count"),
        Column("kept", "Leads kept", "count"),
        Column("useful_rate", "Useful", "rate"),
        Column("conversion_rate", "Converted", "rate"),
    ]
    return Table(
        "recipes", columns, rows, "runs", link=lambda r: reverse("leads:recipe_detail", args=[r["id"]])
    )


def models_table(workspace, period):
    scoring = ScoringSettings.objects.for_workspace(workspace).first()
    champion_id = scoring.champion_id if scoring else None
    rows = []
    for version in ScoringModelVersion.objects.for_workspace(workspace).order_by("-version"):
        metrics = version.metrics or {}
        auc = metrics.get("auc") if isinstance(metrics.get("auc"), dict) else {}
        brier = metrics.get("brier") if isinstance(metrics.get("brier"), dict) else {}
        rows.append(
            {
                "id": version.pk,
                "version": version.version,
                "created": version.created_at,
                "champion": "champion" if version.pk == champion_id else "",
                "training_rows": version.training_rows,
                "positives": version.positives,
                "auc": auc.get("value"),
                "auc_interval": (f"{auc['low']:.3f}–{auc['high']:.3f}" if auc.get("low") is not None else ""),
                "brier": brier.get("value"),
                "decision": version.get_decision_display() if version.decision else "",
                "reason": version.reason,
            }
        )
    columns = [
        Column("version", "Version", "count"),
        Column("champion", "Serving"),
        Column("created", "Trained", "date"),
        Column("training_rows", "Training outcomes", "count"),
        Column("positives", "Won", "count"),
        Column("auc", "AUC (held out)", "mean"),
        Column("auc_interval", "AUC 95% CI"),
        Column("brier", "Brier", "mean"),
        Column("decision", "Decision"),
        Column("reason", "Why"),
    ]
    return Table("model-versions", columns, rows, "version")


def brands_table(workspace, period):
    tz_start, tz_end = period.start.date(), period.end.date()
    metrics = {
        row["post__brand"]: row
        for row in DailyMetric.objects.for_workspace(workspace)
        .filter(date__gte=tz_start, date__lt=tz_end)
        .values("post__brand")
        .annotate(
            impressions=Sum("impressions"),
            clicks=Sum("clicks"),
            conversions=Sum("conversions"),
            revenue=Sum("revenue"),
            posts=Count("post", distinct=True),
        )
    }
    winners = {
        row["experiment__brand"]: row["winners"]
        for row in WinnerDecision.objects.for_workspace(workspace)
        .filter(decided_for__gte=tz_start, decided_for__lt=tz_end)
        .exclude(winner_variant="")
        .values("experiment__brand")
        .annotate(winners=Count("experiment", distinct=True))
    }
    rows = []
    for brand in Brand.objects.for_workspace(workspace).order_by("name"):
        m = metrics.get(brand.pk, {})
        impressions, clicks = m.get("impressions") or 0, m.get("clicks") or 0
        row = {
            "id": brand.pk,
            "name": brand.name,
            "posts": m.get("posts", 0),
            "impressions": impressions,
            "clicks": clicks,
            "conversions": m.get("conversions") or 0,
            "revenue": float(m.get("revenue") or 0),
            "winners": winners.get(brand.pk, 0),
        }
        row.update(rate_cells("ctr", clicks, impressions))
        row.update(rate_cells("conversion_rate", row["conversions"], clicks))
        rows.append(row)
    columns = [
        Column("name", "Brand"),
        Column("posts", "Posts with metrics", "count"),
        Column("impressions", "Impressions", "count"),
        Column("clicks", "Clicks", "count"),
        Column("ctr", "CTR", "rate"),
        Column("conversions", "Conversions", "count"),
        Column("conversion_rate", "Conversion rate", "rate", "Conversions per click."),
        Column("revenue", "Revenue", "mean"),
        Column("winners", "Winners decided", "count"),
    ]
    return Table(
        "brands", columns, rows, "impressions", link=lambda r: reverse("content:brand", args=[r["id"]])
    )


def segments_table(workspace, period):
    rows = []
    for row in (
        MatchingSession.objects.for_workspace(workspace)
        .filter(imported=False, **_in(period, "created_at"))
        .values("segment")
        .annotate(
            sessions=Count("pk"),
            chosen=Count("pk", filter=Q(choice__candidate__isnull=False)),
            mean_rank=Avg("choice__chosen_rank"),
            satisfaction=Avg("choice__satisfaction"),
        )
        .order_by("segment")
    ):
        item = {
            "segment": humanize_key(row["segment"]),
            "sessions": row["sessions"],
            "mean_rank": row["mean_rank"],
            "satisfaction": row["satisfaction"],
        }
        item.update(rate_cells("conversion_rate", row["chosen"], row["sessions"]))
        rows.append(item)
    columns = [
        Column("segment", "Segment"),
        Column("sessions", "Sessions", "count"),
        Column("conversion_rate", "Conversion", "rate", "Sessions in which a provider was chosen."),
        Column("mean_rank", "Mean chosen rank", "mean"),
        Column("satisfaction", "Satisfaction (1-5)", "mean"),
    ]
    return Table("segments", columns, rows, "sessions", link=lambda r: reverse("matching:analytics"))


def frameworks_table(workspace, period):
    success = Q(rating__gte=settings.FEEDBACK_SUCCESS_MIN_RATING)
    if settings.FEEDBACK_THUMBS_UP_COUNTS:
        success |= Q(thumbs=1)
    rows = []
    for row in (
        FeedbackEntry.objects.for_workspace(workspace)
        .filter(**_in(period, "created_at"))
        .values("framework", "model_name")
        .annotate(n=Count("pk"), successes=Count("pk", filter=success), rating=Avg("rating"))
        .order_by("framework", "model_name")
    ):
        item = {
            "framework": row["framework"] or "(none)",
            "model": row["model_name"] or "(none)",
            "entries": row["n"],
            "rating": row["rating"],
        }
        item.update(rate_cells("success_rate", row["successes"], row["n"]))
        rows.append(item)
    columns = [
        Column("framework", "Framework"),
        Column("model", "Model"),
        Column("entries", "Rated outputs", "count"),
        Column("success_rate", "Success rate", "rate"),
        Column("rating", "Average rating", "mean"),
    ]
    return Table("frameworks", columns, rows, "entries", link=lambda r: reverse("feedback:analysis"))


TABLES = {
    "agents": ("Agents", agents_table),
    "recipes": ("Recipes", recipes_table),
    "models": ("Scoring model versions", models_table),
    "brands": ("Brands", brands_table),
    "segments": ("Matching segments", segments_table),
    "frameworks": ("Frameworks and models", frameworks_table),
}
