"""Matching sessions: rank the candidates for a customer, record their choice and interactions."""

from __future__ import annotations

import math
import uuid

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from matching import learning
from matching.forms import ChoiceDetailsForm, InteractionForm, SessionRequestForm, cleaned_or_refused
from matching.learning import Standardiser, centred_stated
from matching.models import (
    Candidate,
    Choice,
    Complexity,
    Factor,
    Interaction,
    MatchingSession,
    Recommendation,
    WeightsSource,
)
from matching.ranking import rank_candidates, stated_note
from matching.segments import DIMENSIONS, assign_segment, chosen_standing
from matching.selectors import factors_for, latest_model
from matching.services import weights


def _finite(value):
    try:
        value = float(value)
    except (TypeError, ValueError):
        return math.nan
    return value if math.isfinite(value) else math.nan


def value_matrix(rows: list[dict], keys: list[str], fill: np.ndarray | None = None) -> np.ndarray:
    """Factor values as a (rows, factors) array; missing values become the column median."""
    values = np.array([[_finite(r.get(k)) for k in keys] for r in rows], dtype=float).reshape(
        len(rows), len(keys)
    )
    if fill is None:
        with np.errstate(all="ignore"):
            fill = np.array([np.nanmedian(c) if np.isfinite(c).any() else 0.0 for c in values.T], dtype=float)
    return np.where(np.isnan(values), fill, values)


def choose_weights(workspace, segment: str, factors: list[Factor], pool_values: np.ndarray):
    """The weights a new session is ranked with, and where they come from.

    The segment's learned weights past the minimum sample size, else the all-segments learned
    weights past it, else the workspace's default weights (standardised on the candidate pool).
    Learned weights are only used if they were fitted on the current factors.
    """
    keys = [f.key for f in factors]
    version, model = latest_model(workspace)
    if model is not None and model.standardiser.names == keys:
        weights = model.weights_for(segment, settings.MATCHING_MIN_SEGMENT_SESSIONS)
        if weights is not None:
            source = WeightsSource.GLOBAL if weights.segment == learning.GLOBAL else WeightsSource.SEGMENT
            return {
                "version": version,
                "source": source,
                "standardiser": model.standardiser,
                "weights": weights.weight_vector(model.standardiser.feature_names),
                "effects": weights.alternative_effects,
                "weight_set": weights,
            }
    standardiser = Standardiser.fit(pool_values, keys, [f.higher_is_better for f in factors])
    return {
        "version": None,
        "source": WeightsSource.DEFAULTS,
        "standardiser": standardiser,
        "weights": np.array([f.default_weight for f in factors], dtype=float),
        "effects": {},
        "weight_set": None,
    }


def _past_standings(workspace, customer_ref: str, factors: list[Factor]) -> list[dict]:
    """How the customer's earlier choices stood on each dimension among what they were shown."""
    if not customer_ref:
        return []
    keys = [f.key for f in factors]
    directions = np.array([1.0 if f.higher_is_better else -1.0 for f in factors])
    dims = [f.dimension for f in factors]
    choices = (
        Choice.objects.for_workspace(workspace)
        .filter(session__customer_ref=customer_ref, candidate__isnull=False)
        .order_by("-created_at")[:20]
    )
    standings = []
    for choice in choices:
        recs = list(Recommendation.objects.filter(session_id=choice.session_id))
        ids = [r.candidate_id for r in recs]
        if choice.candidate_id not in ids or len(recs) < 2:
            continue
        values = value_matrix([r.factor_values for r in recs], keys)
        standings.append(chosen_standing(values, ids.index(choice.candidate_id), directions, dims))
    return standings


def _clean_preferences(stated) -> dict:
    if stated in (None, ""):
        return {}
    if not isinstance(stated, dict):
        raise ValidationError({"stated_preferences": ["Give a mapping of dimension to importance 1-5."]})
    clean = {}
    for key, value in stated.items():
        if key not in DIMENSIONS:
            raise ValidationError(
                {"stated_preferences": [f"Unknown dimension {key!r}; use {', '.join(DIMENSIONS)}."]}
            )
        if value in (None, ""):
            continue
        number = _finite(value)
        if math.isnan(number) or not 1 <= number <= 5:
            raise ValidationError({"stated_preferences": [f"{key}: importance must be 1 to 5."]})
        clean[key] = number
    return clean


def start_session(
    workspace,
    *,
    customer_ref: str = "",
    details: dict | None = None,
    complexity: str = Complexity.MEDIUM,
    stated_preferences: dict | None = None,
    candidate_ids: list | None = None,
    limit: int | None = None,
    user=None,
) -> MatchingSession:
    """Rank the candidates for a customer's request and store the session with its list."""
    cleaned_or_refused(SessionRequestForm, {"customer_ref": customer_ref, "complexity": complexity})
    stated = _clean_preferences(stated_preferences)
    if details is not None and not isinstance(details, dict):
        raise ValidationError({"details": ["Give the request details as an object."]})
    factors = factors_for(workspace)
    if not factors:
        raise ValidationError({"candidate_ids": ["This workspace has no factors to rank by yet."]})
    pool = list(Candidate.objects.for_workspace(workspace).filter(active=True))
    if candidate_ids:
        wanted = {str(c) for c in candidate_ids}
        candidates = [c for c in pool if str(c.id) in wanted]
        if len(candidates) != len(wanted):
            raise ValidationError({"candidate_ids": ["Unknown or inactive candidate in the list."]})
    else:
        candidates = pool
    if not candidates:
        raise ValidationError({"candidate_ids": ["There are no active candidates to rank."]})
    keys = [f.key for f in factors]
    pool_values = value_matrix([c.factor_values for c in pool], keys)
    fill = np.array([np.median(c) if len(c) else 0.0 for c in pool_values.T])
    values = value_matrix([c.factor_values for c in candidates], keys, fill)
    assignment = assign_segment(stated, _past_standings(workspace, customer_ref, factors))
    chosen = choose_weights(workspace, assignment.segment, factors, pool_values)
    effects = None
    if chosen["effects"]:
        effects = [chosen["effects"].get(c.id.hex, 0.0) for c in candidates]
    labels = {f.key: f.label for f in factors}
    weight_set, standardiser = chosen["weight_set"], chosen["standardiser"]
    algorithm = "conditional-logit-v1"
    session_weights = chosen["weights"]
    centred = None
    if weight_set is not None and weight_set.stated_weights and stated:
        stated_values = np.array([weights.stated_for_factors(stated, factors)])
        centred = centred_stated(stated_values, None, stated_values.shape)[0]
        shift = weight_set.stated_vector(standardiser.feature_names) * centred[standardiser.feature_factor]
        if np.any(shift != 0):
            session_weights = chosen["weights"] + shift
            algorithm = "conditional-logit-v1+stated"
    ranked = rank_candidates(values, standardiser, session_weights, effects, labels)
    if algorithm.endswith("+stated"):
        # the rank each candidate would have without the stated priorities: say when they moved it
        plain = {r.index: r.rank for r in rank_candidates(values, standardiser, chosen["weights"], effects)}
        shift_parts = _stated_parts(values, standardiser, session_weights - chosen["weights"])
        stated_by_factor = dict(zip(keys, weights.stated_for_factors(stated, factors), strict=True))
        # name what the customer said: the dimension ("price") when they stated it for a dimension
        said_as = {f.key: f.label if f.key in stated else f.dimension for f in factors}
        for r in ranked:
            parts = dict(zip(keys, shift_parts[r.index].tolist(), strict=True))
            note = stated_note(r.rank, plain[r.index], parts, stated_by_factor, said_as)
            if note:
                r.explanation = f"{r.explanation} {note}"
    max_shown = limit or settings.MATCHING_MAX_RECOMMENDATIONS
    if max_shown < 1:
        raise ValidationError({"limit": ["Show at least one candidate."]})
    ranked = ranked[:max_shown]
    with transaction.atomic():
        session = MatchingSession.objects.create(
            workspace=workspace,
            customer_ref=customer_ref or "",
            details=details or {},
            complexity=complexity,
            stated_preferences=stated,
            segment=assignment.segment,
            segment_reason=assignment.reason[:300],
            weights_source=chosen["source"],
            weights_version=chosen["version"],
            algorithm=algorithm,
            created_by=user,
        )
        Recommendation.objects.bulk_create(
            [
                Recommendation(
                    workspace=workspace,
                    session=session,
                    candidate=candidates[r.index],
                    rank=r.rank,
                    score=r.score,
                    probability=r.probability,
                    factor_values=dict(zip(keys, values[r.index].tolist(), strict=True)),
                    contributions=r.contributions,
                    explanation=r.explanation,
                )
                for r in ranked
            ]
        )
    return session


def _stated_parts(values, standardiser, shift) -> np.ndarray:
    """Per candidate and factor, the part of its score (relative to the list average) that the
    stated priorities added."""
    features = standardiser.transform(values) * shift
    to_factor = np.zeros((features.shape[1], len(standardiser.names)))
    to_factor[np.arange(features.shape[1]), standardiser.feature_factor] = 1.0
    parts = np.nan_to_num(features @ to_factor)
    return parts - parts.mean(axis=0)


def _recommendation(session, candidate_id, field="candidate_id"):
    rec = (
        Recommendation.objects.filter(session=session, candidate_id=candidate_id)
        .select_related("candidate")
        .first()
        if is_uuid(candidate_id)
        else None
    )
    if rec is None:
        raise ValidationError({field: ["This candidate was not recommended in this session."]})
    return rec


def is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except (TypeError, ValueError):
        return False
    return True


def record_choice(
    workspace,
    session: MatchingSession,
    *,
    candidate_id=None,
    reasoning: str = "",
    important_factors: list | None = None,
    decision_time_seconds=None,
    satisfaction=None,
    outcome: str = "",
) -> Choice:
    """Record (or correct) which candidate the customer chose, or that they chose none.

    A new or changed choice schedules a (debounced) learning run.
    """
    rec = _recommendation(session, candidate_id) if candidate_id not in (None, "") else None
    factors = important_factors or []
    if not isinstance(factors, list) or not all(isinstance(f, str) for f in factors):
        raise ValidationError({"important_factors": ["Give a list of factor names."]})
    if len(factors) > 50:
        raise ValidationError({"important_factors": ["At most 50 factors."]})
    details = cleaned_or_refused(
        ChoiceDetailsForm,
        {
            "reasoning": reasoning,
            "decision_time_seconds": decision_time_seconds,
            "satisfaction": satisfaction,
            "outcome": outcome,
        },
    )
    values = {
        "candidate": rec.candidate if rec else None,
        "chosen_rank": rec.rank if rec else None,
        "important_factors": [f[:100] for f in factors],
        **details,
    }
    with transaction.atomic():
        # lock the session row so two simultaneous choices for it are recorded one after the other
        MatchingSession.objects.select_for_update().filter(pk=session.pk).first()
        existing = Choice.objects.filter(session=session).first()
        changed = existing is None or existing.candidate_id != (rec.candidate_id if rec else None)
        if existing is None:
            choice = Choice.objects.create(workspace=workspace, session=session, **values)
        else:
            for name, value in values.items():
                if name in ("candidate", "chosen_rank") or value not in (None, "", []):
                    setattr(existing, name, value)
            existing.save()
            choice = existing
        if changed and rec is not None:
            weights.schedule_learning(workspace)
    return choice


def record_interaction(
    workspace,
    session: MatchingSession,
    *,
    interaction_type: str,
    candidate_id=None,
    time_spent_seconds=None,
    viewed_explanation_level: str = "",
    expanded_sections: list | None = None,
    helpful_rating=None,
) -> Interaction:
    details = cleaned_or_refused(
        InteractionForm,
        {
            "interaction_type": interaction_type,
            "time_spent_seconds": time_spent_seconds,
            "viewed_explanation_level": viewed_explanation_level,
            "helpful_rating": helpful_rating,
        },
    )
    rec = _recommendation(session, candidate_id) if candidate_id not in (None, "") else None
    sections = expanded_sections or []
    if not isinstance(sections, list) or not all(isinstance(s, str) for s in sections):
        raise ValidationError({"expanded_sections": ["Give a list of section names."]})
    return Interaction.objects.create(
        workspace=workspace,
        session=session,
        recommendation=rec,
        expanded_sections=[s[:100] for s in sections[:50]],
        **details,
    )
