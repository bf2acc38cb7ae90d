"""Chart.js configurations for the dashboard's trend charts."""

from datetime import date


def _short(day):
    # "7 Nov" rather than "2026-11-07": three ISO dates do not fit under a card's small chart.
    return f"{date.fromisoformat(day).day} {date.fromisoformat(day):%b}"


def trend_chart(figure):
    """A small line chart of the figure's trend (rates in percent); None below two points (one is
    shown as its value, none not at all)."""
    if len(figure.points) < 2:
        return None
    scale = 100 if figure.kind == "rate" else 1
    values = [None if point["v"] is None else round(point["v"] * scale, 2) for point in figure.trend]
    return {
        "type": "line",
        "data": {
            "labels": [_short(point["t"]) for point in figure.trend],
            "datasets": [
                {"label": figure.title + (" (%)" if scale == 100 else ""), "data": values, "spanGaps": True}
            ],
        },
        "options": {
            "plugins": {"legend": {"display": False}},
            "scales": {
                "x": {"ticks": {"maxTicksLimit": 4, "maxRotation": 0}},
                "y": {"beginAtZero": True, "ticks": {"maxTicksLimit": 4}},
            },
            "elements": {"point": {"radius": 1.5}},
        },
    }
