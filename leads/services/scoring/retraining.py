"""Retraining: train a challenger, compare it with the champion on the newest outcomes, promote or
keep, and record why. What the retraining task runs (queueing it is in retraining_queue)."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Greatest
from django.utils import timezone

from leads.models import Outcome, ScoringModelVersion, ScoringSettings
from leads.models.scoring import ModelDecision
from leads.scoring import artifacts
from leads.scoring.promotion import (
    auc_estimate_words,
    auc_interval,
    brier_interval,
    compare_models,
    decide_promotion,
    split_newest,
)
from leads.scoring.training import TrainingError, inverse_probability_weights, train_scoring_model
from leads.services.scoring.champion import artifact_path, mark_demoted, serving_model
from leads.services.scoring.records import lead_frame, outcome_selection_probabilities
from leads.services.scoring.settings import promotion_policy, scoring_settings
from workspaces import audit
from workspaces.locks import expired_lease_names, lease_is_held
from workspaces.models import JobLease


def _data_hash(frame: pd.DataFrame, y: np.ndarray) -> str:
    digest = hashlib.sha256()
    digest.update(pd.util.hash_pandas_object(frame.astype(str), index=False).to_numpy().tobytes())
    digest.update(np.asarray(y, dtype=np.int8).tobytes())
    return digest.hexdigest()


def _next_version(workspace) -> int:
    last = ScoringModelVersion.objects.for_workspace(workspace).order_by("-version").first()
    return 1 if last is None else last.version + 1


def training_data(workspace, with_probabilities: bool = False):
    """Leads with outcomes, oldest outcome first: (frame, y, outcome times), and with
    `with_probabilities` each outcome's selection probability (call list; 1 when followed up
    outside it) as a fourth item."""
    outcomes = list(
        Outcome.objects.for_workspace(workspace).select_related("lead").order_by("recorded_at", "id")
    )
    leads = [o.lead for o in outcomes]
    frame = lead_frame(leads)
    y = np.array([int(o.won) for o in outcomes], dtype=int)
    times = [o.recorded_at for o in outcomes]
    if with_probabilities:
        return frame, y, times, outcome_selection_probabilities(workspace, leads)
    return frame, y, times


def _part(weight, index):
    return None if weight is None else weight[index]


def _save_model(workspace, version: int, model) -> tuple[str, str]:
    path = artifact_path(workspace, version)
    header = artifacts.save_artifact(model, path, workspace=str(workspace.id), version=version)
    return str(path.relative_to(Path(settings.MODEL_ARTIFACTS_DIR))), header["sha256"]


def _finish_training(workspace, consumed: int, promoted: ScoringModelVersion | None):
    updates = {
        "outcomes_since_training": Greatest(F("outcomes_since_training") - consumed, 0),
        "retrain_pending": False,
        "last_training_at": timezone.now(),
    }
    if promoted is not None:
        updates["champion"] = promoted
        mark_demoted(workspace, keep=promoted)
    ScoringSettings.objects.filter(workspace=workspace).update(**updates)


def retrain(workspace, trigger: str = "threshold", user=None) -> ScoringModelVersion:
    """Train a challenger on all but the newest outcomes, compare it with the champion on those,
    then promote it (refitted on every outcome) or keep the champion; the reason is recorded."""
    row = scoring_settings(workspace)
    consumed = row.outcomes_since_training
    frame, y, _times, probability = training_data(workspace, with_probabilities=True)
    # Explored leads stand for the leads below the call list's cut: weighted by 1 / selection
    # probability, training and the promotion test estimate what holds over all leads.
    weight = inverse_probability_weights(probability)
    version = ScoringModelVersion(
        workspace=workspace,
        version=_next_version(workspace),
        training_rows=len(y),
        positives=int(y.sum()),
        data_hash=_data_hash(frame, y) if len(y) else "",
        trigger=trigger,
    )
    started = timezone.now()
    try:
        older, newest = split_newest(len(y))
        excluded = list(row.excluded_columns or [])
        challenger = train_scoring_model(
            frame.iloc[older], y[older], excluded, sample_weight=_part(weight, older)
        )
    except TrainingError as error:
        version.decision = ModelDecision.FAILED
        version.reason = f"Training failed: {error}."
        version.seconds = (timezone.now() - started).total_seconds()
        version.save()
        _finish_training(workspace, consumed, None)
        return version

    champion, champion_row, champion_label = serving_model(workspace)
    held_frame, held_y, held_w = frame.iloc[newest], y[newest], _part(weight, newest)
    p_challenger = challenger.predict_proba(held_frame)
    policy = promotion_policy(row)
    if len(newest):
        p_champion = champion.predict_proba(held_frame)
        comparison = compare_models(held_y, p_challenger, p_champion, policy.confidence, weights=held_w)
    else:
        comparison, p_champion = None, None
    age = None
    if champion_row is not None and champion_row.promoted_at:
        age = (timezone.now() - champion_row.promoted_at).total_seconds() / 86400
    decision = decide_promotion(comparison, policy, age, champion_is_prior=champion_row is None)
    if comparison is None and champion_row is None and len(newest) == 0:
        decision.reason = "Promoted: too few outcomes to hold any out; the learned model replaces the prior."

    metrics = {
        "held_out": {
            "n": int(len(newest)),
            "positives": int(held_y.sum()) if len(newest) else 0,
            "comparison": comparison.as_dict() if comparison else None,
            "champion": champion_label,
        },
        "selection": challenger.selection,
        "calibration": challenger.calibrator.method,
        "calibration_check": challenger.calibrator.check,
        "training_seconds": challenger.seconds,
        "weighted_outcomes": 0 if weight is None else int((weight > 1).sum()),
    }
    if len(newest):
        auc = auc_interval(held_y, p_challenger, policy.confidence, weights=held_w)
        brier = brier_interval(held_y, p_challenger, policy.confidence, weights=held_w)
        explored = 0 if held_w is None else int((held_w > 1).sum())
        estimate = auc_estimate_words(len(newest), explored > 0, explored)
        metrics["auc"] = (
            None
            if auc is None
            else {
                "value": auc[0],
                "low": auc[1],
                "high": auc[2],
                "estimate": estimate,
                "weighted": explored > 0,
            }
        )
        metrics["brier"] = {"value": brier[0], "low": brier[1], "high": brier[2]}
        keep = slice(-5000, None)  # enough for the reliability chart, small enough for a JSON field
        metrics["held_out"]["y"] = held_y[keep].tolist()
        metrics["held_out"]["p"] = [round(float(v), 5) for v in p_challenger[keep]]

    deployed = challenger
    if decision.promote:
        # The promoted model learns from every outcome, the newest included.
        try:
            deployed = train_scoring_model(frame, y, excluded, sample_weight=weight)
        except TrainingError:
            deployed = challenger
    version.description = deployed.description
    version.features = deployed.spec.as_dict()
    version.metrics = metrics
    version.decision = ModelDecision.PROMOTED if decision.promote else ModelDecision.KEPT
    version.reason = decision.reason
    version.artifact_name, version.artifact_sha256 = _save_model(workspace, version.version, deployed)
    version.seconds = (timezone.now() - started).total_seconds()
    with transaction.atomic():
        if decision.promote:
            version.promoted_at = timezone.now()
            version.promoted_by = user
            version.promoted_via = "command" if trigger == "command" else "automatic"
        version.save()
        _finish_training(workspace, consumed, version if decision.promote else None)
        audit.record(
            workspace,
            "scoring.model_promoted" if decision.promote else "scoring.model_kept",
            version.label,
            actor=user,
            reason=decision.reason,
        )
    return version


def retraining_is_pending(workspace) -> bool:
    return ScoringSettings.objects.filter(workspace=workspace, retrain_pending=True).exists()


def lost_retrainings(older_than_seconds: float):
    """Yield the workspace ids of the retrainings that are pending but whose task may be lost (a
    broker outage, a purged queue), and at once those whose worker died while training (its lease
    expired unreleased); each is marked queued again just before it is yielded, to be sent."""
    now = timezone.now()
    cutoff = now - timedelta(seconds=older_than_seconds)
    died = {name.removeprefix("retrain:") for name in expired_lease_names("retrain:")}
    pending = ScoringSettings.objects.filter(retrain_pending=True).filter(
        Q(retrain_queued_at__lte=cutoff) | Q(workspace_id__in=died)
    )
    for row in pending.only("pk", "workspace_id"):
        name = f"retrain:{row.workspace_id}"
        if lease_is_held(name):
            continue
        # Forget the dead holder's lease, so the next look does not send the retraining again.
        JobLease.objects.filter(name=name, expires_at__lt=now).delete()
        ScoringSettings.objects.filter(pk=row.pk).update(retrain_queued_at=now)
        yield str(row.workspace_id)
