"""Chart.js configurations and their table alternatives for the brand and experiment pages."""

from core.formatting import percent


def _percent(values):
    return [percent(v, 3, number=True) for v in values]


def rate_chart(series: dict, key: str, label: str) -> dict:
    """A line per variant of the daily rate, in percent; days without data are gaps."""
    return {
        "type": "line",
        "data": {
            "labels": series["dates"],
            "datasets": [
                {"label": variant, "data": _percent(values[key]), "spanGaps": False, "fill": False}
                for variant, values in series["variants"].items()
            ],
        },
        "options": {
            "scales": {"y": {"beginAtZero": True, "title": {"display": True, "text": f"{label} (%)"}}},
            "plugins": {"legend": {"position": "bottom"}},
        },
    }


def series_rows(series: dict) -> list[dict]:
    """One row per date and variant: the same figures as the charts, as text."""
    rows = []
    for variant, values in series["variants"].items():
        for i, day in enumerate(series["dates"]):
            if values["impressions"][i]:
                rows.append(
                    {
                        "date": day,
                        "variant": variant,
                        "impressions": values["impressions"][i],
                        "ctr": values["ctr"][i],
                        "conversion_rate": values["conversion_rate"][i],
                    }
                )
    return sorted(rows, key=lambda r: (r["date"], r["variant"]))


def split_chart(variants: list[dict]) -> dict | None:
    """The recommended share of traffic per variant beside an equal split, in percent (horizontal
    bars); None when the experiment has no recommendation (settled, or one variant)."""
    shown = [v for v in variants if v.get("recommended_share") is not None]
    if len(shown) < 2:
        return None
    equal = round(100 / len(shown), 1)
    return {
        "type": "bar",
        "data": {
            "labels": [v["label"] for v in shown],
            "datasets": [
                {"label": "Recommended share (%)", "data": [round(100 * v["recommended_share"], 1) for v in shown],
                 "backgroundColor": "rgba(21, 101, 192, 0.7)"},
                {"label": "Equal split (%)", "data": [equal] * len(shown), "backgroundColor": "rgba(120, 120, 120, 0.3)"},
            ],
        },
        "options": {
            "indexAxis": "y",
            "scales": {"x": {"min": 0, "max": 100, "title": {"display": True, "text": "% of the experiment's traffic"}}},
            "plugins": {"legend": {"position": "bottom"}},
        },
    }  # fmt: skip
