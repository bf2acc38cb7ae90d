"""Chart.js configurations for the matching analytics page (drawn by static/js/app.js)."""

from matching.segments import SEGMENTS


def _line(labels, datasets, y_title, y_min=None, y_max=None):
    scale = {"title": {"display": True, "text": y_title}}
    if y_min is not None:
        scale["min"] = y_min
    if y_max is not None:
        scale["max"] = y_max
    return {
        "type": "line",
        "data": {"labels": labels, "datasets": datasets},
        "options": {"responsive": True, "scales": {"y": scale}, "spanGaps": True},
    }


def analytics_charts(figures: dict) -> dict:
    periods = figures["over_time"]
    labels = [p["period"] for p in periods]
    conversion = [p["conversion"]["rate"] for p in periods]
    rank = [p["chosen_rank"]["mean"] for p in periods]
    history = figures["weights"]["history"]
    return {
        "conversion": _line(
            labels,
            [
                {"label": "Conversion", "data": conversion},
                # One shaded band between the bounds, not two more lines that read as series of their own.
                {
                    "label": "95% interval",
                    "data": [p["conversion"]["low"] for p in periods],
                    "borderColor": "rgba(21, 101, 192, 0.25)",
                    "backgroundColor": "rgba(21, 101, 192, 0.12)",
                    "borderWidth": 1,
                    "pointRadius": 0,
                    "borderDash": [],
                    "fill": "+1",
                },
                {
                    "label": "95% interval (upper)",
                    "legendHidden": True,
                    "data": [p["conversion"]["high"] for p in periods],
                    "borderColor": "rgba(21, 101, 192, 0.25)",
                    "backgroundColor": "rgba(21, 101, 192, 0.12)",
                    "borderWidth": 1,
                    "pointRadius": 0,
                    "borderDash": [],
                },
            ],
            "share of sessions with a choice",
            0,
            1,
        ),
        "rank": _line(labels, [{"label": "Mean chosen rank", "data": rank}], "rank (1 = top)", 1),
        "confidence": _line(
            [f"v{v['version']}" for v in history],
            [{"label": "All segments", "data": [v["confidence"] for v in history]}]
            + [
                {
                    "label": SEGMENTS.get(key, key),
                    "data": [v["by_segment"].get(key) for v in history],
                    "borderDash": [2, 3],
                }
                for key in sorted({k for v in history for k in v["by_segment"]})
            ],
            "confidence (0-1)",
            0,
            1,
        ),
    }
