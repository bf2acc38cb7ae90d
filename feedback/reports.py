"""Weekly and monthly improvement reports built from entries frames, as JSON-ready dicts."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from core.formatting import percent
from core.stats import Rate
from feedback.analysis import SuccessRule, entry_weights, group_performance, success_mask

PERIODS = ("weekly", "monthly")


def period_bounds(period: str, day: date) -> tuple[str, date, date]:
    """The ISO week or calendar month containing ``day``: (label, first day, first day after)."""
    if period == "weekly":
        start = day - timedelta(days=day.isoweekday() - 1)
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}", start, start + timedelta(days=7)
    if period == "monthly":
        start = day.replace(day=1)
        following = (start + timedelta(days=32)).replace(day=1)
        return f"{start.year}-{start.month:02d}", start, following
    raise ValueError(f"unknown period {period!r}: use one of {', '.join(PERIODS)}")


def previous_period(period: str, day: date) -> tuple[str, date, date]:
    """The period just before the one containing ``day``."""
    _label, start, _end = period_bounds(period, day)
    return period_bounds(period, start - timedelta(days=1))


def _interval(successes, n) -> list[float]:
    rate = Rate(successes, n)
    return [rate.low, rate.high]


def _overall(frame: pd.DataFrame, rule: SuccessRule) -> dict:
    weights = entry_weights(frame)
    n = int(weights.sum())
    if n == 0:
        return {"n": 0, "successes": 0, "success_rate": None, "avg_rating": None, "interval": None}
    success = success_mask(frame["rating"].to_numpy(), frame["thumbs"].to_numpy(), rule)
    successes = int((success * weights).sum())
    return {
        "n": n,
        "successes": successes,
        "success_rate": successes / n,
        "avg_rating": round(float((frame["rating"].to_numpy() * weights).sum() / n), 3),
        "interval": _interval(successes, n),
    }


def _ranked_groups(frame: pd.DataFrame, rule: SuccessRule, min_samples: int) -> list[dict]:
    success = success_mask(frame["rating"].to_numpy(), frame["thumbs"].to_numpy(), rule)
    rows = []
    for kind in ("framework", "model", "tag"):
        perf, _hidden = group_performance(frame, success, kind, min_samples)
        for name, stats in perf.items():
            rows.append({"kind": kind, "name": name, **stats})
    return rows


def _daily(frame, rule: SuccessRule, start: date, end: date, today: date | None) -> list[dict]:
    """Figures per day; the frame has a ``day`` column (dates) or ``created_at`` (times)."""
    if "day" in frame.columns:
        days = frame["day"]
    elif "created_at" in frame.columns:
        days = pd.to_datetime(frame["created_at"], utc=True).dt.date
    else:
        return []
    success = success_mask(frame["rating"].to_numpy(), frame["thumbs"].to_numpy(), rule)
    weights = entry_weights(frame)
    grouped = (
        pd.DataFrame(
            {
                "day": days.to_numpy(),
                "n": weights,
                "successes": success.astype(np.int64) * weights,
                "rating_sum": frame["rating"].to_numpy() * weights,
            }
        )
        .groupby("day")
        .sum()
    )
    grouped["avg_rating"] = grouped["rating_sum"] / grouped["n"]
    rows = []
    day = start
    if today is not None:  # days still to come are not zeros
        end = min(end, today + timedelta(days=1))
    while day < end:
        if day in grouped.index:
            row = grouped.loc[day]
            n, s = int(row["n"]), int(row["successes"])
            rows.append(
                {
                    "date": day.isoformat(),
                    "n": n,
                    "success_rate": s / n,
                    "interval": _interval(s, n),
                    "avg_rating": round(float(row["avg_rating"]), 3),
                }
            )
        else:
            rows.append(
                {
                    "date": day.isoformat(),
                    "n": 0,
                    "success_rate": None,
                    "interval": None,
                    "avg_rating": None,
                }
            )
        day += timedelta(days=1)
    return rows


def build_report(
    period: str,
    label: str,
    start: date,
    end: date,
    current: pd.DataFrame,
    previous: pd.DataFrame,
    *,
    rule: SuccessRule = SuccessRule(),
    min_samples: int = 5,
    top: int = 3,
    recommendations: list[str] | None = None,
    today: date | None = None,
) -> dict:
    """Improvement report of ``current`` (entries in [start, end)) against ``previous``.

    ``improvement_vs_previous`` is the change of the success rate in percentage points
    (None when the previous period has no entries).
    """
    now = _overall(current, rule)
    before = _overall(previous, rule)
    change = None
    if now["n"] and before["n"]:
        change = round((now["success_rate"] - before["success_rate"]) * 100, 2)

    groups = _ranked_groups(current, rule, min_samples) if now["n"] else []
    overall_rate = now["success_rate"] if now["n"] else 0.0
    # Rank by the interval bound, so a small lucky group does not beat a large good one.
    top_performers = [
        g
        for g in sorted(groups, key=lambda g: (-g["interval_low"], -g["n"]))
        if g["interval_low"] > overall_rate or g["success_rate"] >= overall_rate
    ][:top]
    problem_areas = [
        g
        for g in sorted(groups, key=lambda g: (g["interval_high"], -g["n"]))
        if g["success_rate"] < overall_rate
    ][:top]

    actions: list[str] = []
    if change is not None and change < -10:
        actions.append(
            f"Success rate fell {abs(change):.1f} points against the previous period "
            f"({percent(before['success_rate'])} -> {percent(now['success_rate'])}, "
            f"n={before['n']}, {now['n']}): review this period's low-rated outputs."
        )
    for area in problem_areas:
        actions.append(
            f"Improve {area['kind']} '{area['name']}': {percent(area['success_rate'])} success "
            f"(n={area['n']}) against {percent(overall_rate)} overall."
        )
    if top_performers:
        best = top_performers[0]
        actions.append(
            f"Use more of {best['kind']} '{best['name']}': {percent(best['success_rate'])} success "
            f"(n={best['n']})."
        )
    for text in recommendations or []:
        if text not in actions:
            actions.append(text)
    if now["n"] < min_samples:
        actions.insert(
            0,
            f"Only {now['n']} rated outputs this period (at least {min_samples} needed for "
            "reliable figures): ask the team to rate more outputs.",
        )

    return {
        "period": label,
        "period_type": period,
        "start_date": start.isoformat(),
        "end_date": (end - timedelta(days=1)).isoformat(),
        "total_prompts": now["n"],
        "successes": now["successes"],
        "avg_rating": now["avg_rating"],
        "success_rate": now["success_rate"],
        "success_interval": now["interval"],
        "previous_total_prompts": before["n"],
        "previous_success_rate": before["success_rate"],
        "previous_avg_rating": before["avg_rating"],
        "improvement_vs_previous": change,
        "top_performers": top_performers,
        "problem_areas": problem_areas,
        "action_items": actions,
        "daily": _daily(current, rule, start, end, today),
        "min_samples": min_samples,
    }


def success_rate_fell(report: dict, points: float = 10.0) -> bool:
    """True when the report's success rate fell by more than ``points`` percentage points."""
    change = report.get("improvement_vs_previous")
    return change is not None and not np.isnan(change) and change < -points
