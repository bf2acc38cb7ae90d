"""Matching analytics: conversion, chosen rank, satisfaction, helpfulness, confidence, alerts."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.db.models import Count
from django.utils import timezone
from scipy import stats

from core.stats import Rate
from matching.models import (
    Choice,
    Complexity,
    Factor,
    Interaction,
    MatchingSession,
    Recommendation,
    WeightVersion,
)
from matching.segments import SEGMENTS


def mean_with_interval(values, confidence=0.95, bounds=(None, None)) -> dict:
    """Mean with its n and a t-interval (None when there is no data).

    ``bounds`` are the values the quantity can take at all (a rank is at least 1 and at most the
    number of candidates shown; a rating lies in 1-5): the symmetric t-interval of a small or skewed
    sample can reach past them, and a mean rank "from 0.7" means nothing, so the interval is clipped.
    """
    values = [float(v) for v in values if v is not None and math.isfinite(float(v))]
    n = len(values)
    if n == 0:
        return {"n": 0, "mean": None, "low": None, "high": None}
    mean = sum(values) / n
    if n == 1:
        return {"n": 1, "mean": mean, "low": None, "high": None}
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
    half = float(stats.t.ppf(0.5 + confidence / 2, n - 1)) * sd / math.sqrt(n)
    low, high = mean - half, mean + half
    floor, ceiling = bounds
    if floor is not None:
        low = max(low, float(floor))
    if ceiling is not None:
        high = min(high, float(ceiling))
    return {"n": n, "mean": mean, "low": low, "high": high}


RATING_BOUNDS = (1, 5)


def _group_figures(rows: list[dict]) -> dict:
    converted = [r for r in rows if r["chosen"]]
    # The chosen rank can be no larger than the longest list a customer in the group was shown.
    most_shown = max((max(r.get("shown") or 0, r["rank"] or 1) for r in converted), default=None)
    return {
        "sessions": len(rows),
        "conversion": Rate(len(converted), len(rows)).as_dict(),
        "chosen_rank": mean_with_interval((r["rank"] for r in converted), bounds=(1, most_shown)),
        "satisfaction": mean_with_interval((r["satisfaction"] for r in rows), bounds=RATING_BOUNDS),
        "helpfulness": mean_with_interval((h for r in rows for h in r["helpful"]), bounds=RATING_BOUNDS),
    }


def _session_rows(workspace, since):
    sessions = list(
        MatchingSession.objects.for_workspace(workspace)
        .filter(imported=False, created_at__gte=since)
        .values("id", "created_at", "segment", "complexity")
    )
    ids = [s["id"] for s in sessions]
    choices = {
        c["session_id"]: c
        for c in Choice.objects.for_workspace(workspace)
        .filter(session_id__in=ids)
        .values("session_id", "candidate_id", "chosen_rank", "satisfaction")
    }
    helpful = defaultdict(list)
    for session_id, rating in (
        Interaction.objects.for_workspace(workspace)
        .filter(session_id__in=ids, helpful_rating__isnull=False)
        .values_list("session_id", "helpful_rating")
    ):
        helpful[session_id].append(rating)
    shown = dict(
        Recommendation.objects.for_workspace(workspace)
        .filter(session_id__in=ids)
        .values("session_id")
        .annotate(n=Count("id"))
        .values_list("session_id", "n")
    )
    rows = []
    for s in sessions:
        c = choices.get(s["id"], {})
        rows.append(
            {
                **s,
                "chosen": c.get("candidate_id") is not None,
                "rank": c.get("chosen_rank"),
                "satisfaction": c.get("satisfaction"),
                "helpful": helpful.get(s["id"], []),
                "shown": shown.get(s["id"], 0),
            }
        )
    return rows


def _period_start(moment, daily: bool):
    day = timezone.localtime(moment).date()
    return day if daily else day - timedelta(days=day.weekday())


def matching_analytics(workspace, days: int = 90) -> dict:
    """All the figures of the analytics page and the API, each with its sample size."""
    days = max(1, min(int(days), 3650))
    now = timezone.now()
    rows = _session_rows(workspace, now - timedelta(days=days))
    daily = days <= 31
    by_segment = defaultdict(list)
    by_complexity = defaultdict(list)
    by_period = defaultdict(list)
    for r in rows:
        by_segment[r["segment"]].append(r)
        by_complexity[r["complexity"]].append(r)
        by_period[_period_start(r["created_at"], daily)].append(r)
    versions = list(
        WeightVersion.objects.for_workspace(workspace)
        .order_by("number")
        .values("number", "created_at", "n_sessions", "confidence", "segments")
    )
    latest = versions[-1] if versions else None
    min_n = settings.MATCHING_MIN_SEGMENT_SESSIONS
    segments = []
    for key, label in SEGMENTS.items():
        learned = (latest or {}).get("segments", {}).get(key) if latest else None
        segments.append(
            {
                "segment": key,
                "label": label,
                **_group_figures(by_segment.get(key, [])),
                "confidence": learned["confidence"] if learned else None,
                "learned_sessions": learned["n_sessions"] if learned else 0,
                "uses_own_weights": bool(learned and learned["n_sessions"] >= min_n),
            }
        )
    complexity = [
        {"complexity": key, "label": label, **_group_figures(by_complexity.get(key, []))}
        for key, label in Complexity.choices
    ]
    over_time = [
        {"period": period.isoformat(), **_group_figures(by_period[period])} for period in sorted(by_period)
    ]
    confidence_history = [
        {
            "version": v["number"],
            "created_at": v["created_at"].isoformat(),
            "n_sessions": v["n_sessions"],
            "confidence": v["confidence"],
            "by_segment": {
                key: entry["confidence"] for key, entry in (v["segments"] or {}).items() if key != "all"
            },
        }
        for v in versions
    ]
    result = {
        "learned_weights": learned_weight_table(workspace, latest, min_n),
        "stated_priorities": stated_priority_figures(workspace, latest),
        "days": days,
        "period": "day" if daily else "week",
        "overall": _group_figures(rows),
        "by_segment": segments,
        "by_complexity": complexity,
        "over_time": over_time,
        "weights": {
            "latest_version": latest["number"] if latest else None,
            "n_sessions": latest["n_sessions"] if latest else 0,
            "confidence": latest["confidence"] if latest else None,
            "min_segment_sessions": min_n,
            "history": confidence_history,
        },
    }
    result["alerts"] = alerts(result, versions, now)
    return result


def stated_priority_figures(workspace, latest: dict | None) -> dict:
    """What the learning has from customers' stated priorities: how many sessions stated some, how
    many choices came with a "what mattered most" answer (all time, and those the latest weights
    learned from), and the latest stated-priority weights per segment with 95% intervals."""
    options = {}
    if latest:
        model = WeightVersion.objects.filter(workspace=workspace, number=latest["number"]).values_list(
            "model", flat=True
        )
        options = ((model.first() or {}).get("options") or {}).get("stated") or {}
    labels = dict(Factor.objects.for_workspace(workspace).values_list("key", "label"))
    weights = []
    for key, entry in sorted(
        (latest or {}).get("segments", {}).items(), key=lambda kv: (kv[0] != "all", kv[0])
    ):
        stated = entry.get("stated_weights") or {}
        if not stated:
            continue
        se = entry.get("stated_se") or {}
        weights.append(
            {
                "label": "All segments" if key == "all" else SEGMENTS.get(key, key),
                "n_sessions": entry["n_sessions"],
                "weights": [
                    {
                        "factor": labels.get(name, name),
                        "weight": w,
                        "low": w - 1.96 * se.get(name, 0.0),
                        "high": w + 1.96 * se.get(name, 0.0),
                    }
                    for name, w in stated.items()
                ],
            }
        )
    sessions = MatchingSession.objects.for_workspace(workspace)
    return {
        "sessions_stated": sessions.exclude(stated_preferences={}).count(),
        "choices_mattered_most": Choice.objects.for_workspace(workspace)
        .exclude(important_factors=[])
        .count(),
        "learned_sessions_stated": options.get("sessions_stated", 0),
        "learned_mattered_most": options.get("sessions_mattered_most", 0),
        "prior_sd": options.get("prior_sd"),
        "weights": weights,
    }


def learned_weight_table(workspace, latest: dict | None, min_n: int) -> list[dict]:
    """The latest version's weights per segment with 95% intervals (weight +- 1.96 SE)."""
    if not latest:
        return []
    labels = dict(Factor.objects.for_workspace(workspace).values_list("key", "label"))
    table = []
    for key, entry in sorted(latest["segments"].items(), key=lambda kv: (kv[0] != "all", kv[0])):
        weights = [
            {
                "factor": labels.get(name, name),
                "weight": w,
                "low": w - 1.96 * entry["se"].get(name, 0.0),
                "high": w + 1.96 * entry["se"].get(name, 0.0),
            }
            for name, w in entry["weights"].items()
        ]
        table.append(
            {
                "segment": key,
                "label": "All segments" if key == "all" else SEGMENTS.get(key, key),
                "n_sessions": entry["n_sessions"],
                "confidence": entry["confidence"],
                "in_use": entry["n_sessions"] >= min_n,
                "weights": weights,
            }
        )
    return table


def alerts(figures: dict, versions: list[dict], now) -> list[dict]:
    """The thresholds of the settings, checked on the figures (only where there is data)."""
    found = []
    overall = figures["overall"]
    conv = overall["conversion"]
    if conv["n"] and conv["rate"] < settings.MATCHING_ALERT_MIN_CONVERSION:
        found.append(
            {
                "metric": "conversion",
                "message": f"Conversion is {conv['rate']:.0%} (n={conv['n']}), below "
                f"{settings.MATCHING_ALERT_MIN_CONVERSION:.0%}.",
            }
        )
    rank = overall["chosen_rank"]
    if rank["n"] and rank["mean"] > settings.MATCHING_ALERT_MAX_MEAN_RANK:
        found.append(
            {
                "metric": "chosen_rank",
                "message": f"Customers choose on average the candidate ranked {rank['mean']:.2f} "
                f"(n={rank['n']}), above {settings.MATCHING_ALERT_MAX_MEAN_RANK:.1f}.",
            }
        )
    sat = overall["satisfaction"]
    if sat["n"] and sat["mean"] < settings.MATCHING_ALERT_MIN_SATISFACTION:
        found.append(
            {
                "metric": "satisfaction",
                "message": f"Satisfaction averages {sat['mean']:.2f}/5 (n={sat['n']}), below "
                f"{settings.MATCHING_ALERT_MIN_SATISFACTION:.1f}.",
            }
        )
    days = settings.MATCHING_ALERT_CONFIDENCE_DAYS
    threshold = settings.MATCHING_ALERT_MIN_CONFIDENCE
    cutoff = now - timedelta(days=days)
    in_effect = [v for v in versions if v["created_at"] <= cutoff][-1:]
    recent = [v for v in versions if v["created_at"] > cutoff]
    window = in_effect + recent
    if in_effect and all(v["confidence"] < threshold for v in window):
        found.append(
            {
                "metric": "confidence",
                "message": f"Learning confidence has stayed below {threshold:.2f} for {days} days "
                f"(latest {window[-1]['confidence']:.2f}, n={window[-1]['n_sessions']}).",
            }
        )
    return found
