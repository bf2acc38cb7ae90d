"""Reads of the matching app that pages, API routes and services share."""

from __future__ import annotations

from django.conf import settings

from matching import learning
from matching.learning import ChoiceModel
from matching.models import Candidate, Factor, WeightVersion


def factors_for(workspace) -> list[Factor]:
    return list(Factor.objects.for_workspace(workspace).order_by("position", "key"))


def provider_rows(workspace, factors=None) -> list[dict]:
    """Every candidate (active ones first) with its value for each factor, in factor order."""
    factors = factors_for(workspace) if factors is None else factors
    return [
        {"candidate": c, "values": [c.factor_values.get(f.key) for f in factors]}
        for c in Candidate.objects.for_workspace(workspace).order_by("-active", "name")
    ]


def latest_model(workspace):
    """(version, model) of the newest stored weights, or (None, None)."""
    version = WeightVersion.objects.for_workspace(workspace).order_by("-number").first()
    if version is None:
        return None, None
    return version, ChoiceModel.from_dict(version.model)


def segments_with_own_weights(workspace) -> list[str]:
    """The segments a new session would be ranked for with their own learned weights: the only
    way stated priorities change a ranking (they pick the segment; the segment picks the weights)."""
    keys = [f.key for f in factors_for(workspace)]
    _, model = latest_model(workspace)
    if model is None or model.standardiser.names != keys:
        return []
    minimum = settings.MATCHING_MIN_SEGMENT_SESSIONS
    return sorted(
        name
        for name, weights in model.segment_weights.items()
        if name and name != learning.GLOBAL and weights.n_sessions >= minimum
    )


def stated_weights_learned(workspace) -> bool:
    """Whether new sessions' stated priorities adjust the learned weights (issue #18)."""
    keys = [f.key for f in factors_for(workspace)]
    _, model = latest_model(workspace)
    if model is None or model.standardiser.names != keys:
        return False
    weights = model.weights_for("", settings.MATCHING_MIN_SEGMENT_SESSIONS)
    return bool(weights is not None and any(abs(w) > 1e-3 for w in weights.stated_weights.values()))
