"""Performance of a brand's variants over a period, and winners whose streak fades."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from django.core.exceptions import ValidationError
from django.db.models import Sum

from content import analysis
from content import winners as rule
from content.models import DailyMetric, WinningCopy
from content.services.ingest import local_today
from content.services.winner_job import decide_with_policy, get_policy
from core.stats import wilson_interval

MAX_DAYS = 3650
FADE_DAYS = 14


def _frame(workspace, brand, since: dt.date) -> pd.DataFrame:
    rows = (
        DailyMetric.objects.for_workspace(workspace)
        .filter(post__brand=brand, date__gte=since)
        .values_list("date", "post__variant", "post_id", "impressions", "clicks", "conversions", "revenue")
    )
    return pd.DataFrame(list(rows), columns=list(analysis.COLUMNS))


def performance_analysis(workspace, brand, days: int = 30) -> dict:
    """Totals, rates with intervals, the best variant with its probability, daily series."""
    try:
        days = int(days)
    except (TypeError, ValueError) as exc:
        raise ValidationError({"days": ["Give a whole number of days."]}) from exc
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError({"days": [f"Choose between 1 and {MAX_DAYS} days."]})
    since = local_today(workspace) - dt.timedelta(days=days - 1)
    frame = _frame(workspace, brand, since)
    performance = analysis.variant_performance(frame)
    for figures in performance.values():
        figures["ctr_interval"] = list(wilson_interval(figures["total_clicks"], figures["total_impressions"]))
        figures["conversion_rate_interval"] = list(
            wilson_interval(figures["total_conversions"], figures["total_clicks"])
        )
    policy = get_policy(workspace)
    best, prob_best, reason = None, {}, "No metrics in this period."
    if performance:
        counts = [
            rule.VariantCounts(
                label,
                f["total_impressions"],
                f["total_clicks"],
                f["total_conversions"],
                f["total_revenue"],
            )
            for label, f in performance.items()
        ]
        decision = decide_with_policy(
            counts,
            policy,
            seed=brand.id.int % (2**32),
            srm_alpha=0.0,  # variants of a brand are not one planned split
            error_spent_before=None,  # a period's figures, viewed at will: the always-valid test only
        )
        prob_best = {k: round(v, 4) for k, v in decision.prob_best.items() if v is not None}
        if prob_best:
            best = max(prob_best, key=prob_best.get)
        reason = decision.reason
    return {
        "brand_id": str(brand.id),
        "brand": brand.name,
        "analysis_period_days": days,
        "since": since.isoformat(),
        "metric": policy.metric,
        "total_posts": int(frame["post_id"].nunique()) if not frame.empty else 0,
        "variant_performance": performance,
        "best_performing_variant": best,
        "prob_best": prob_best,
        "decision_reason": reason,
        "series": analysis.daily_series(frame),
    }


def fading_winners(workspace, brand) -> list[dict]:
    """Current winners with their last-14-days CTR, flagged when below the winning interval."""
    today = local_today(workspace)
    since = today - dt.timedelta(days=FADE_DAYS - 1)
    result = []
    winners = (
        WinningCopy.objects.for_workspace(workspace)
        .filter(brand=brand, is_current=True)
        .select_related("post", "experiment")
    )
    for winner in winners:
        recent = DailyMetric.objects.filter(post=winner.post, date__gte=since).aggregate(
            impressions=Sum("impressions"), clicks=Sum("clicks")
        )
        impressions = int(recent["impressions"] or 0)
        clicks = int(recent["clicks"] or 0)
        low, high = wilson_interval(clicks, impressions)
        result.append(
            {
                "winner": winner,
                "recent_impressions": impressions,
                "recent_clicks": clicks,
                "recent_ctr": clicks / impressions if impressions else None,
                "recent_interval": (low, high),
                "fading": rule.is_fading(clicks, impressions, winner.ctr_low),
            }
        )
    return result
