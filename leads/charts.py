"""Chart.js configurations of the leads pages (each page also shows the figures as a table)."""


def conversion_chart(recipe_rows):
    """Conversion rate per recipe with its 95% interval (floating bar) and point; None without data."""
    rows = [row for row in recipe_rows if row["rates"]["conversion"].n]
    if not rows:
        return None
    labels = [f"{row['recipe'].name} (n={row['rates']['conversion'].n})" for row in rows]
    intervals = [
        [round(100 * r["rates"]["conversion"].low, 1), round(100 * r["rates"]["conversion"].high, 1)]
        for r in rows
    ]
    points = [round(100 * row["rates"]["conversion"].value, 1) for row in rows]
    return {
        "type": "bar",
        "data": {
            "labels": labels,
            "datasets": [
                {"type": "line", "label": "Conversion rate (%)", "data": points, "showLine": False,
                 "pointRadius": 6, "borderColor": "#c62828", "backgroundColor": "#c62828"},
                {"label": "95% interval (%)", "data": intervals, "backgroundColor": "rgba(21, 101, 192, 0.35)"},
            ],
        },
        "options": {"scales": {"y": {"min": 0, "max": 100, "title": {"display": True, "text": "%"}}}},
    }  # fmt: skip


def feedback_breakdown_chart(breakdown: dict) -> dict:
    """Feedback rows of a recipe's leads by conversion status."""
    return {
        "type": "bar",
        "data": {
            "labels": ["Pending", "Interested", "Not interested", "Converted"],
            "datasets": [{"label": "Feedback rows", "data": list(breakdown.values())}],
        },
        "options": {
            "plugins": {"legend": {"display": False}},
            "scales": {"y": {"beginAtZero": True, "ticks": {"precision": 0}}},
        },
    }


def score_history_chart(scores):
    """A lead's scores over time (oldest first); None with fewer than two."""
    if len(scores) <= 1:
        return None
    return {
        "type": "line",
        "data": {
            "labels": [s.created_at.strftime("%Y-%m-%d %H:%M") for s in scores],
            "datasets": [{"label": "Score (1-99)", "data": [s.display_score for s in scores]}],
        },
        "options": {"scales": {"y": {"min": 0, "max": 100, "title": {"display": True, "text": "score"}}}},
    }


def reliability_chart(rows) -> dict:
    """Observed conversion rate per bin of predicted probability, against perfect calibration."""
    return {
        "type": "line",
        "data": {
            "labels": [f"{r['predicted']:.2f}" for r in rows],
            "datasets": [
                {"label": "Observed conversion rate", "data": [round(r["observed"], 3) for r in rows]},
                {
                    "label": "Predicted (perfect calibration)",
                    "data": [round(r["predicted"], 3) for r in rows],
                },
            ],
        },
        "options": {
            "scales": {
                "y": {"min": 0, "max": 1},
                "x": {"title": {"display": True, "text": "mean predicted probability"}},
            }
        },
    }


def distribution_chart(rows, n_recent: int, train_rows=None, n_train: int = 0) -> dict:
    """Share of recent scores per bin, beside the share at training when the model kept it."""
    datasets = [{"label": f"Recent scores (n={n_recent})", "data": [r["n"] / max(n_recent, 1) for r in rows]}]
    if train_rows is not None:
        datasets.append(
            {"label": f"At training (n={n_train})", "data": [r["n"] / max(n_train, 1) for r in train_rows]}
        )
    return {
        "type": "bar",
        "data": {"labels": [f"{r['low']:.1f}-{r['high']:.1f}" for r in rows], "datasets": datasets},
        "options": {"scales": {"y": {"title": {"display": True, "text": "share of scores"}}}},
    }
