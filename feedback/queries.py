"""Reads of the feedback loop: entries as analysis frames, counts, the overview, the alert."""

import json
from datetime import date, timedelta

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import connection, connections
from django.db.models import Count, Q, TextField
from django.db.models.functions import Cast, Substr
from django.utils import timezone

from core.stats import Rate
from feedback import analysis
from feedback import reports as report_builder
from feedback.models import FeedbackEntry, FeedbackReport, PairwiseJudgment, Thumbs

FRAME_COLUMNS = ["prompt", "rating", "thumbs", "tags", "framework", "model", "created_at"]


def success_rule() -> analysis.SuccessRule:
    return analysis.SuccessRule(
        min_rating=settings.FEEDBACK_SUCCESS_MIN_RATING,
        thumbs_up_counts=settings.FEEDBACK_THUMBS_UP_COUNTS,
    )


def min_samples_default() -> int:
    return settings.FEEDBACK_MIN_SAMPLES


def success_filter(rule) -> Q:
    condition = Q(rating__gte=rule.min_rating)
    if rule.thumbs_up_counts:
        condition |= Q(thumbs=Thumbs.UP)
    return condition


def _window(workspace, since=None, until=None):
    entries = FeedbackEntry.objects.for_workspace(workspace)
    if since is not None:
        entries = entries.filter(created_at__gte=since)
    if until is not None:
        entries = entries.filter(created_at__lt=until)
    return entries.order_by()


def _fetch(queryset) -> list[tuple]:
    """Rows of a values_list queryset by one plain cursor query (no per-row ORM conversions)."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _frame(rows, columns) -> pd.DataFrame:
    if rows:
        return pd.DataFrame.from_records(rows, columns=columns)
    return pd.DataFrame({name: pd.Series(dtype=object) for name in columns})


def _parse_json_lists(texts: pd.Series) -> pd.Series:
    """JSON list texts -> lists, decoding each distinct text once."""
    decoded = {}
    for text in texts.unique():
        try:
            value = json.loads(text) if isinstance(text, str) else text
        except ValueError:
            value = []
        decoded[text] = value if isinstance(value, list) else []
    return texts.map(decoded)


def entries_frame(workspace, since=None, until=None, *, with_time: bool = True) -> pd.DataFrame:
    """The workspace's entries in [since, until) as the analysis frame.

    Read with one plain cursor query (tags and times as text, parsed once per distinct value),
    because the ORM's per-row conversions dominate at a million entries.
    """
    entries = _window(workspace, since, until).annotate(tags_text=Cast("tags", TextField()))
    fields = ["prompt", "rating", "thumbs", "tags_text", "framework", "model_name"]
    if with_time:
        entries = entries.annotate(time_text=Cast("created_at", TextField()))
        fields.append("time_text")
    frame = _frame(_fetch(entries.values_list(*fields)), FRAME_COLUMNS if with_time else FRAME_COLUMNS[:-1])
    frame["rating"] = frame["rating"].astype(int)
    frame["thumbs"] = frame["thumbs"].astype(int)
    frame["tags"] = _parse_json_lists(frame["tags"])
    if with_time:
        frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True, format="ISO8601")
    return frame


def grouped_entries(workspace, since=None, until=None, *, by_day: bool = False) -> pd.DataFrame:
    """Entries in [since, until) counted in the database per (tags, framework, model, rating,
    thumbs[, UTC day]): the analysis frame with a ``count`` column, small however many rows."""
    entries = _window(workspace, since, until).annotate(tags_text=Cast("tags", TextField()))
    fields = ["tags_text", "framework", "model_name", "rating", "thumbs"]
    if by_day:
        entries = entries.annotate(day_text=Substr(Cast("created_at", TextField()), 1, 10))
        fields.append("day_text")
    rows = _fetch(entries.values(*fields).annotate(count=Count("id")).values_list(*fields, "count"))
    columns = ["tags", "framework", "model", "rating", "thumbs"] + (["day"] if by_day else []) + ["count"]
    frame = _frame(rows, columns)
    for name in ("rating", "thumbs", "count"):
        frame[name] = frame[name].astype(np.int64)
    frame["tags"] = _parse_json_lists(frame["tags"])
    if by_day:
        days = {text: date.fromisoformat(text) for text in frame["day"].unique()}
        frame["day"] = frame["day"].map(days)
    return frame


def prompt_success_counts(workspace, since=None, until=None) -> pd.DataFrame:
    """Successes ``s`` and failures ``f`` per distinct prompt, counted in the database."""
    rows = _fetch(
        _window(workspace, since, until)
        .values("prompt")
        .annotate(n=Count("id"), s=Count("id", filter=success_filter(success_rule())))
        .values_list("prompt", "s", "n")
    )
    frame = pd.DataFrame.from_records(rows, columns=["prompt", "s", "n"])
    frame["f"] = frame["n"] - frame["s"]
    return frame.set_index("prompt")[["s", "f"]].astype(np.int64)


def arm_counts(workspace, days: int | None = None):
    """Entries and successes per (tags, framework, model) of entries naming both (the router's input)."""
    entries = FeedbackEntry.objects.for_workspace(workspace).exclude(framework="").exclude(model_name="")
    if days:
        entries = entries.filter(created_at__gte=timezone.now() - timedelta(days=days))
    return (
        entries.order_by()
        .values("tags", "framework", "model_name")
        .annotate(n=Count("id"), successes=Count("id", filter=success_filter(success_rule())))
    )


def low_rated_examples(workspace, days: int, framework=None, limit: int = 10) -> list[dict]:
    """The latest low-rated entries (rating 2 or less), their prompts cut to 500 characters."""
    rows = list(
        FeedbackEntry.objects.for_workspace(workspace)
        .filter(created_at__gte=timezone.now() - timedelta(days=days), rating__lte=2)
        .filter(**({"framework": framework} if framework else {}))
        .values("prompt", "rating", "tags", "framework", "model_name", "notes")[:limit]
    )
    for row in rows:
        row["prompt"] = row["prompt"][:500]
    return rows


def overview(workspace, days: int = 30) -> dict:
    """Counts and success rate over the last ``days`` days, for list pages and the dashboard."""
    entries = _window(workspace, since=timezone.now() - timedelta(days=days))
    rule = success_rule()
    n = entries.count()
    successes = entries.filter(success_filter(rule)).count()
    return {"days": days, "n": n, "stat": Rate(successes, n).as_dict(), "rule": rule.describe()}


def latest_alert(workspace) -> FeedbackReport | None:
    """The latest weekly report when its success rate fell by more than the alert threshold."""
    report = FeedbackReport.objects.for_workspace(workspace).filter(period_type="weekly").first()
    if report and report_builder.success_rate_fell(report.data, settings.FEEDBACK_ALERT_DROP_POINTS):
        return report
    return None


def fell_by(report) -> float | None:
    """Points the success rate fell by, when it fell by more than the alert threshold."""
    change = report.improvement_vs_previous
    if change is not None and change < -settings.FEEDBACK_ALERT_DROP_POINTS:
        return abs(change)
    return None


def workspaces_with_feedback() -> list:
    return list(FeedbackEntry.objects.order_by().values_list("workspace_id", flat=True).distinct())


def filter_entries(entries, *, tag: str = "", framework: str = "", model: str = "", rating=None):
    """Narrow an entries queryset by normalised tag, framework, model and rating."""
    tag = analysis.normalise_tag(tag) if tag else ""
    if tag:
        if connection.vendor == "postgresql":
            entries = entries.filter(tags__contains=[tag])
        else:  # SQLite has no JSON containment; the quoted tag inside the JSON text is exact
            entries = entries.filter(tags__icontains=json.dumps(tag))
    if framework:
        entries = entries.filter(framework=framework)
    if model:
        entries = entries.filter(model_name=model)
    if rating not in (None, ""):
        entries = entries.filter(rating=rating)
    return entries


def pairwise_counts(workspace, days: int | None = None) -> list[dict]:
    """Judgments counted per (each side's variant, framework, model, verdict): the board's input."""
    judgments = PairwiseJudgment.objects.for_workspace(workspace)
    if days:
        judgments = judgments.filter(created_at__gte=timezone.now() - timedelta(days=days))
    sides = [f"{side}_{name}" for side in ("left", "right") for name in ("variant", "framework", "model")]
    return list(judgments.order_by().values(*sides, "verdict").annotate(n=Count("id")))


def rating_counts(workspace, days: int | None = None) -> list[dict]:
    """Rated outputs and successes per (framework, model): the rating figures beside the board."""
    entries = FeedbackEntry.objects.for_workspace(workspace)
    if days:
        entries = entries.filter(created_at__gte=timezone.now() - timedelta(days=days))
    return list(
        entries.order_by()
        .values("framework", "model_name")
        .annotate(n=Count("id"), successes=Count("id", filter=success_filter(success_rule())))
    )
