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
from matching.models import Choice, Factor, MatchingSession, Recommendation, WeightVersion
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
    _add_stated_columns(workspace, frame, factors)
    return frame, factors


def stated_column(i: int) -> str:
    return f"__stated_{i}"


def answered_column(i: int) -> str:
    return f"__answered_{i}"


def stated_for_factors(stated_preferences: dict, factors: list[Factor]) -> list[float]:
    """A session's stated importance per factor: stated for the factor's key (imported sessions),
    else for its dimension (the session form and the API); NaN when not stated or not 1-5."""
    prefs = stated_preferences if isinstance(stated_preferences, dict) else {}
    out = []
    for f in factors:
        value = prefs.get(f.key, prefs.get(f.dimension))
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = float("nan")
        out.append(number if 1 <= number <= 5 else float("nan"))
    return out


def _add_stated_columns(workspace, frame: pd.DataFrame, factors: list[Factor]) -> None:
    """Per row, the session's stated importance of each factor and whether the customer named it
    as what mattered most (only sessions that have either are read, one row per session)."""
    if frame.empty:
        return
    stated = (
        MatchingSession.objects.for_workspace(workspace)
        .filter(choice__candidate__isnull=False)
        .exclude(stated_preferences={})
        .annotate(session_text=Cast("id", CharField()))
        .values_list("session_text", "stated_preferences")
    )
    by_session = {sid: stated_for_factors(prefs, factors) for sid, prefs in stated.iterator(chunk_size=20000)}
    answered = (
        Choice.objects.for_workspace(workspace)
        .filter(candidate__isnull=False)
        .exclude(important_factors=[])
        .annotate(session_text=Cast("session_id", CharField()))
        .values_list("session_text", "important_factors")
    )
    named = {
        sid: set(items) if isinstance(items, list) else set()
        for sid, items in answered.iterator(chunk_size=20000)
    }
    if by_session:
        table = pd.DataFrame.from_dict(by_session, orient="index")
        for i in range(len(factors)):
            frame[stated_column(i)] = frame["session_id"].map(table[i]).astype(float)
    if named:
        for i, f in enumerate(factors):
            said = {sid for sid, items in named.items() if f.key in items}
            frame[answered_column(i)] = frame["session_id"].isin(said).astype(int)


def build_choice_set(frame: pd.DataFrame, factors: list[Factor]):
    # position bias can only be separated when every row has its displayed rank
    ranks = pd.to_numeric(frame["rank"], errors="coerce")
    use_rank = len(frame) > 0 and ranks.notna().all()
    keys = [f.key for f in factors]
    return learning.choice_set_from_frame(
        frame,
        keys,
        rank_column="rank" if use_rank else None,
        segment_column="segment",
        stated_columns={k: stated_column(i) for i, k in enumerate(keys) if stated_column(i) in frame},
        answered_columns={k: answered_column(i) for i, k in enumerate(keys) if answered_column(i) in frame},
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
        signal = [c for c in frame.columns if c.startswith(("__stated_", "__answered_"))]
        if signal:
            first = frame.drop_duplicates("session_id").sort_values("session_id")
            fingerprint += (
                ":" + hashlib.sha256(first[["session_id", *signal]].to_csv(index=False).encode()).hexdigest()
            )
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
                "stated_weights": ws.stated_weights,
                "stated_se": ws.stated_se,
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
