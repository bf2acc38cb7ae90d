"""Chart.js configurations for the analysis and report pages (tables show the same figures)."""


def _pct(rate):
    return None if rate is None else round(rate * 100, 1)


def rates_bar(performance: dict, label: str) -> dict:
    """Success rate per group as a bar, its 95% interval as a thin whisker over the same bar.

    The interval is a floating bar [low, high] drawn on top of the rate bar (``grouped: False``
    puts both in the same slot), so each group reads as one bar with its error bar.
    """
    names = list(performance)
    intervals = [
        None
        if performance[n]["interval_low"] is None or performance[n]["interval_high"] is None
        else [_pct(performance[n]["interval_low"]), _pct(performance[n]["interval_high"])]
        for n in names
    ]
    return {
        "type": "bar",
        "data": {
            "labels": names,
            "datasets": [
                {
                    "label": f"Success rate by {label} (%)",
                    "data": [_pct(performance[n]["success_rate"]) for n in names],
                    "grouped": False,
                    "order": 1,
                    "backgroundColor": "rgba(21, 101, 192, 0.45)",
                    "borderColor": "#1565c0",
                    "borderWidth": 1,
                },
                {
                    "label": "95% interval (%)",
                    "data": intervals,
                    "grouped": False,
                    "order": 0,
                    "barThickness": 4,
                    "backgroundColor": "#263238",
                    "borderColor": "#263238",
                },
            ],
        },
        "options": {"scales": {"y": {"min": 0, "max": 100, "title": {"display": True, "text": "%"}}}},
    }


def daily_lines(daily: list[dict]) -> dict:
    return {
        "type": "line",
        "data": {
            "labels": [row["date"] for row in daily],
            "datasets": [
                {
                    "label": "Success rate (%)",
                    "data": [_pct(row["success_rate"]) for row in daily],
                    "yAxisID": "y",
                    "spanGaps": True,
                },
                {"label": "Rated outputs", "data": [row["n"] for row in daily], "yAxisID": "n"},
            ],
        },
        "options": {
            "scales": {
                "y": {"min": 0, "max": 100, "position": "left", "title": {"display": True, "text": "%"}},
                "n": {
                    "min": 0,
                    "position": "right",
                    "grid": {"drawOnChartArea": False},
                    "title": {"display": True, "text": "outputs"},
                },
            }
        },
    }


def history_lines(reports) -> dict:
    reports = list(reversed(list(reports)))
    return {
        "type": "line",
        "data": {
            "labels": [r.period for r in reports],
            "datasets": [
                {
                    "label": "Success rate (%)",
                    "data": [_pct(r.success_rate) for r in reports],
                    "spanGaps": True,
                }
            ],
        },
        "options": {"scales": {"y": {"min": 0, "max": 100}}},
    }
