"""Performance of a brand's variants: totals, rates and daily series (pure pandas, no Django)."""

from __future__ import annotations

import pandas as pd

COLUMNS = (
    "date",
    "variant",
    "post_id",
    "impressions",
    "clicks",
    "conversions",
    "revenue",
)


def _rate(num: float, den: float) -> float:
    return float(num) / float(den) if den else 0.0


def variant_performance(rows: pd.DataFrame) -> dict[str, dict]:
    """Totals and rates per variant label (rates pooled: total clicks / total impressions)."""
    if rows.empty:
        return {}
    result = {}
    for variant, group in rows.groupby("variant", sort=True):
        impressions = int(group["impressions"].sum())
        clicks = int(group["clicks"].sum())
        conversions = int(group["conversions"].sum())
        revenue = float(group["revenue"].astype(float).sum())
        posts = int(group["post_id"].nunique())
        result[str(variant)] = {
            "posts": posts,
            "total_impressions": impressions,
            "total_clicks": clicks,
            "total_conversions": conversions,
            "total_revenue": round(revenue, 2),
            "avg_ctr": _rate(clicks, impressions),
            "avg_conversion_rate": _rate(conversions, clicks),
            "avg_revenue_per_post": round(_rate(revenue, posts), 2),
            "revenue_per_impression": _rate(revenue, impressions),
        }
    return result


def daily_series(rows: pd.DataFrame) -> dict:
    """CTR and conversion rate per variant per day, aligned on one list of dates.

    Days without impressions for a variant give None (a gap in the chart, not a zero).
    """
    if rows.empty:
        return {"dates": [], "variants": {}}
    daily = rows.groupby(["variant", "date"], sort=True)[["impressions", "clicks", "conversions"]]
    daily = daily.sum().reset_index()
    dates = sorted(daily["date"].unique())
    series = {}
    for variant, group in daily.groupby("variant", sort=True):
        by_date = group.set_index("date")
        ctr, cr, impressions = [], [], []
        for day in dates:
            if day in by_date.index and by_date.at[day, "impressions"] > 0:
                row = by_date.loc[day]
                ctr.append(_rate(row["clicks"], row["impressions"]))
                cr.append(_rate(row["conversions"], row["clicks"]) if row["clicks"] else None)
                impressions.append(int(row["impressions"]))
            else:
                ctr.append(None)
                cr.append(None)
                impressions.append(0)
        series[str(variant)] = {
            "ctr": ctr,
            "conversion_rate": cr,
            "impressions": impressions,
        }
    return {
        "dates": [d.isoformat() if hasattr(d, "isoformat") else str(d) for d in dates],
        "variants": series,
    }
