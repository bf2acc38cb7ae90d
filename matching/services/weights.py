"""Learning the factor weights from recorded choices (debounced, on the worker) and evaluating them."""

from __future__ import annotations

import hashlib

import pandas as pd
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import CharField, Max
from django.db.models.fields.json import KT
from django.db.models.functions import Cast

from matching import learning, tasks
from matching.evaluation import cross_validate
from matching.models import Factor, Recommendation, WeightVersion
from matching.selectors import factors_for
from workspaces import audit
from workspaces.locks import job_lease


def schedule_learning(workspace) -> None:
    """Queue one learning run after the debounce delay; choices meanwhile join that run."""
    delay = settings.MATCHING_LEARN_DEBOUNCE_SECONDS
    if delay > 0 and not cache.add(f"matching:learn-pending:{workspace.id}", 1, timeout=delay):
        return
    transaction.on_commit(
        lambda: tasks.learn_weights.apply_async(args=[str(workspace.id)], countdown=max(delay, 0))
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
