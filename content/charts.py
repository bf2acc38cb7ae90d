"""Chart.js configurations and their table alternatives for the brand page."""

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
