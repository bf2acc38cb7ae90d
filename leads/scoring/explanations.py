"""Top positive and negative factors behind each lead's score.

Model-agnostic: a factor's effect is how much the score changes when that one column is set to
its typical training value (median or most common category). Positive effects pushed the score
up, negative ones down. Works the same for the prior, linear models and trees.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .features import prepare_frame


def _display(value):
    if isinstance(value, float):
        if np.isnan(value):
            return None
        return int(value) if value.is_integer() else round(value, 4)
    return value


def explain(model, frame: pd.DataFrame, top: int = 3, min_effect: float = 0.001) -> list[dict]:
    """Per row: {"positive": [...], "negative": [...]}, each item {feature, value, effect}."""
    spec = model.spec
    if len(frame) == 0 or not spec.columns:
        return [{"positive": [], "negative": []} for _ in range(len(frame))]
    x = prepare_frame(frame, spec).reset_index(drop=True)
    base = model.predict_proba(x)
    columns = spec.columns
    # One copy of the rows per column, that column set to its reference value.
    variants = pd.concat([x.assign(**{c: model.reference[c]}) for c in columns], ignore_index=True)
    moved = model.predict_proba(variants).reshape(len(columns), len(x))
    effects = base[np.newaxis, :] - moved  # columns x rows
    return [
        top_factors(columns, [x.at[row, c] for c in columns], effects[:, row], top, min_effect)
        for row in range(len(x))
    ]


def top_factors(columns, values, effects, top: int = 3, min_effect: float = 0.001) -> dict:
    """One row's factors: the columns whose move to the typical value changed the score most."""
    items = [
        {"feature": c, "value": _display(values[i]), "effect": round(float(effects[i]), 4)}
        for i, c in enumerate(columns)
        if abs(effects[i]) >= min_effect
    ]
    positive = sorted((i for i in items if i["effect"] > 0), key=lambda i: -i["effect"])[:top]
    negative = sorted((i for i in items if i["effect"] < 0), key=lambda i: i["effect"])[:top]
    return {"positive": positive, "negative": negative}
