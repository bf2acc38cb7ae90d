"""Chart.js configurations for the analysis and report pages (tables show the same figures)."""

from core.formatting import percent


def analysis_charts(result: dict) -> dict:
    """The analysis page's charts: success rate by framework and by tag."""
    return {
        "framework": rates_bar(result["framework_performance"], "framework"),
        "tag": rates_bar(result["tag_performance"], "tag"),
    }


def rates_bar(performance: dict, label: str) -> dict:
    """Success rate per group as a bar, its 95% interval a floating bar [low, high] in the same slot."""
    names = list(performance)
    intervals = [
        None
        if performance[n]["interval_low"] is None or performance[n]["interval_high"] is None
        else [
            percent(performance[n]["interval_low"], 1, number=True),
            percent(performance[n]["interval_high"], 1, number=True),
        ]
        for n in names
    ]
    return {
        "type": "bar",
        "data": {
            "labels": names,
            "datasets": [
                {
                    "label": f"Success rate by {label} (%)",
                    "data": [percent(performance[n]["success_rate"], 1, number=True) for n in names],
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
                    "data": [percent(row["success_rate"], 1, number=True) for row in daily],
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
                    "data": [percent(r.success_rate, 1, number=True) for r in reports],
                    "spanGaps": True,
                }
            ],
        },
        "options": {"scales": {"y": {"min": 0, "max": 100}}},
    }


def strength_bar(rows: list[dict]) -> dict:
    """The board: each item's chance to beat an average one (%) as a bar, its 95% interval a
    floating bar in the same slot (the table beside it has the strengths and counts)."""
    return {
        "type": "bar",
        "data": {
            "labels": [row["label"] for row in rows],
            "datasets": [
                {
                    "label": "Chance to beat an average one (%)",
                    "data": [percent(row["beats_average"], 1, number=True) for row in rows],
                    "grouped": False,
                    "order": 1,
                    "backgroundColor": "rgba(21, 101, 192, 0.45)",
                    "borderColor": "#1565c0",
                    "borderWidth": 1,
                },
                {
                    "label": "95% interval (%)",
                    "data": [
                        [percent(v, 1, number=True) for v in row["beats_average_interval"]] for row in rows
                    ],
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
