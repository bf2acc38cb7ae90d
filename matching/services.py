"""Matching services: start a ranked session, record choices and interactions, learn weights.

The page, the API and the commands all call these functions.
"""

from __future__ import annotations

import hashlib
import math
import uuid

import numpy as np
import pandas as pd
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import CharField, Max
from django.db.models.fields.json import KT
from django.db.models.functions import Cast

from matching import learning
from matching.learning import ChoiceModel, Standardiser
from matching.models import (
    Candidate,
    Choice,
    Complexity,
    Factor,
    Interaction,
    InteractionType,
    MatchingSession,
    Recommendation,
    WeightsSource,
    WeightVersion,
)
from matching.ranking import rank_candidates
from matching.segments import DIMENSIONS, assign_segment, chosen_standing
from workspaces import audit
from workspaces.locks import job_lease

MAX_TEXT = 5000


def factors_for(workspace) -> list[Factor]:
    return list(Factor.objects.for_workspace(workspace).order_by("position", "key"))


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
    if complexity not in Complexity.values:
        raise ValidationError({"complexity": [f"Use one of {', '.join(Complexity.values)}."]})
    stated = _clean_preferences(stated_preferences)
    if details is not None and not isinstance(details, dict):
        raise ValidationError({"details": ["Give the request details as an object."]})
    if len(customer_ref or "") > 200:
        raise ValidationError({"customer_ref": ["At most 200 characters."]})
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
    ranked = rank_candidates(
        values, chosen["standardiser"], chosen["weights"], effects, {f.key: f.label for f in factors}
    )
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


def _text(value, field, limit=MAX_TEXT):
    value = "" if value is None else str(value)
    if len(value) > limit:
        raise ValidationError({field: [f"At most {limit} characters."]})
    return value


def _rating(value, field):
    if value in (None, ""):
        return None
    number = _finite(value)
    if math.isnan(number) or number != int(number) or not 1 <= number <= 5:
        raise ValidationError({field: ["Give a whole number from 1 to 5."]})
    return int(number)


def _seconds(value, field):
    if value in (None, ""):
        return None
    number = _finite(value)
    if math.isnan(number) or not 0 <= number <= 7 * 24 * 3600:
        raise ValidationError({field: ["Give seconds between 0 and a week."]})
    return number


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
    values = {
        "candidate": rec.candidate if rec else None,
        "chosen_rank": rec.rank if rec else None,
        "reasoning": _text(reasoning, "reasoning"),
        "important_factors": [f[:100] for f in factors],
        "decision_time_seconds": _seconds(decision_time_seconds, "decision_time_seconds"),
        "satisfaction": _rating(satisfaction, "satisfaction"),
        "outcome": _text(outcome, "outcome", 200),
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
            schedule_learning(workspace)
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
    if interaction_type not in InteractionType.values:
        raise ValidationError({"interaction_type": [f"Use one of {', '.join(InteractionType.values)}."]})
    rec = _recommendation(session, candidate_id) if candidate_id not in (None, "") else None
    sections = expanded_sections or []
    if not isinstance(sections, list) or not all(isinstance(s, str) for s in sections):
        raise ValidationError({"expanded_sections": ["Give a list of section names."]})
    return Interaction.objects.create(
        workspace=workspace,
        session=session,
        recommendation=rec,
        interaction_type=interaction_type,
        time_spent_seconds=_seconds(time_spent_seconds, "time_spent_seconds"),
        viewed_explanation_level=_text(viewed_explanation_level, "viewed_explanation_level", 30),
        expanded_sections=[s[:100] for s in sections[:50]],
        helpful_rating=_rating(helpful_rating, "helpful_rating"),
    )


def schedule_learning(workspace) -> None:
    """Queue one learning run after the debounce delay; choices meanwhile join that run."""
    from matching.tasks import learn_weights

    delay = settings.MATCHING_LEARN_DEBOUNCE_SECONDS
    if delay > 0 and not cache.add(f"matching:learn-pending:{workspace.id}", 1, timeout=delay):
        return
    transaction.on_commit(
        lambda: learn_weights.apply_async(args=[str(workspace.id)], countdown=max(delay, 0))
    )


def choice_frame(workspace) -> tuple[pd.DataFrame, list[Factor]]:
    """Every session with a chosen candidate, one row per candidate shown (long format).

    One query (a join, no list of ids, so it scales to any number of sessions). The database hands
    back ids and factor values as text (no per-row UUID or JSON decoding in Python); candidates
    are identified by their id's hex, factor values made numeric here and cleaned by the learning
    code.
    """
    factors = factors_for(workspace)
    keys = [f.key for f in factors]
    factor_columns = {f"factor_{i}": KT(f"factor_values__{k}") for i, k in enumerate(keys)}
    rows = (
        Recommendation.objects.for_workspace(workspace)
        .filter(session__choice__candidate__isnull=False)
        .annotate(
            session_text=Cast("session_id", CharField()),
            candidate_text=Cast("candidate_id", CharField()),
            chosen_text=Cast("session__choice__candidate_id", CharField()),
            **factor_columns,
        )
        .order_by("session__created_at", "session_id", "rank")
        .values_list(
            "session_text", "candidate_text", "chosen_text", "rank", "session__segment", *factor_columns
        )
    )
    names = ["session_id", "alternative", "chosen", "rank", "segment", *keys]
    frame = pd.DataFrame.from_records(rows.iterator(chunk_size=20000), columns=names)
    # PostgreSQL writes uuids with dashes, SQLite without: compare and key them as plain hex
    frame["alternative"] = frame["alternative"].astype(str).str.replace("-", "", regex=False)
    frame["chosen"] = (
        frame["chosen"].astype(str).str.replace("-", "", regex=False) == frame["alternative"]
    ).astype(int)
    for k in keys:
        frame[k] = pd.to_numeric(frame[k], errors="coerce")
    return frame, factors


def build_choice_set(frame: pd.DataFrame, factors: list[Factor]):
    # position bias can only be separated when every row has its displayed rank
    ranks = pd.to_numeric(frame["rank"], errors="coerce")
    use_rank = len(frame) > 0 and ranks.notna().all()
    return learning.choice_set_from_frame(
        frame,
        [f.key for f in factors],
        rank_column="rank" if use_rank else None,
        segment_column="segment",
    )


def fit_options() -> dict:
    return {
        "l2": settings.MATCHING_L2,
        "segment_shrinkage": settings.MATCHING_SEGMENT_SHRINKAGE,
    }


class LearningBusy(Exception):
    """Another learning run of the workspace holds the lease; try again later."""


def learn_weights(workspace) -> WeightVersion | None:
    """Fit the weights on every recorded choice and store them as a new version.

    Returns None when there is nothing usable or the choices have not changed since the last
    version (running twice gives the same result); raises LearningBusy while another run of the
    workspace is in progress, so the caller can retry and no choice is left unlearned.
    """
    with job_lease(f"matching-learn:{workspace.id}", 900) as got:
        if not got:
            raise LearningBusy(str(workspace.id))
        frame, factors = choice_frame(workspace)
        if frame.empty or not factors:
            return None
        data, report = build_choice_set(frame, factors)
        if data.n_sessions == 0:
            return None
        fingerprint = hashlib.sha256(
            frame.loc[frame["chosen"] == 1, ["session_id", "alternative"]]
            .sort_values("session_id")
            .to_csv(index=False)
            .encode()
        ).hexdigest()
        fingerprint += ":" + ",".join(f"{f.key}{int(f.higher_is_better)}" for f in factors)
        latest = WeightVersion.objects.for_workspace(workspace).order_by("-number").first()
        if latest is not None and latest.model.get("fingerprint") == fingerprint:
            return None
        model = learning.fit_choice_model(data, [f.higher_is_better for f in factors], **fit_options())
        stored = model.to_dict()
        stored["fingerprint"] = fingerprint
        stored["data_report"] = report
        segments = {
            (ws.segment or "all"): {
                "n_sessions": ws.n_sessions,
                "confidence": ws.confidence,
                "weights": ws.factor_weights,
                "se": ws.factor_se,
            }
            for ws in [model.global_weights, *model.segment_weights.values()]
        }
        with transaction.atomic():
            number = (WeightVersion.objects.for_workspace(workspace).aggregate(m=Max("number"))["m"] or 0) + 1
            version = WeightVersion.objects.create(
                workspace=workspace,
                number=number,
                model=stored,
                n_sessions=model.global_weights.n_sessions,
                confidence=model.global_weights.confidence,
                log_likelihood=model.global_weights.log_likelihood,
                segments=segments,
            )
            audit.record(
                workspace,
                "matching.weights_learned",
                str(version),
                n_sessions=version.n_sessions,
                confidence=round(version.confidence, 4),
            )
        return version


def evaluate(workspace, folds: int = 5, seed: int = 0) -> dict:
    """Cross-validate, by session, the default weights and the learning procedure."""
    from matching.evaluation import cross_validate

    frame, factors = choice_frame(workspace)
    if frame.empty or not factors:
        raise ValidationError({"workspace": ["No sessions with a chosen candidate to evaluate."]})
    data, report = build_choice_set(frame, factors)
    if data.n_sessions < folds:
        raise ValidationError({"folds": [f"{data.n_sessions} usable sessions: need at least one per fold."]})
    result = cross_validate(
        data,
        [f.higher_is_better for f in factors],
        [f.default_weight for f in factors],
        folds=folds,
        seed=seed,
        min_segment_sessions=settings.MATCHING_MIN_SEGMENT_SESSIONS,
        **fit_options(),
    )
    result["data"] = report
    return result
