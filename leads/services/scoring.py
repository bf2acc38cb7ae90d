"""Scoring leads with the workspace's champion model, retraining, promotion and rollback."""

from __future__ import annotations

import hashlib
import logging
import math
import threading
from collections import OrderedDict
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone

from leads.models import Lead, LeadScore, Outcome, ScoringModelVersion, ScoringSettings
from leads.models.scoring import ModelDecision
from leads.scoring import artifacts
from leads.scoring.display import display_score, risk_category
from leads.scoring.explanations import explain
from leads.scoring.prior import PriorModel, describe_prior
from leads.scoring.promotion import (
    PromotionPolicy,
    auc_interval,
    brier_interval,
    compare_models,
    decide_promotion,
    describe_rule,
    split_newest,
)
from leads.scoring.serving import RowScorer, compile_scorer
from leads.scoring.training import TrainingError, train_scoring_model
from workspaces import audit

logger = logging.getLogger(__name__)

# Typed lead fields the model may learn from; name and email are identities, never features.
FEATURE_FIELDS = (
    "company",
    "industry",
    "location",
    "company_size",
    "title",
    "source",
    "engagement_score",
    "quality_score",
    "email_opens",
    "website_visits",
    "content_downloads",
    "days_since_contact",
)
EXPLAIN_MAX_ROWS = 1000  # explanations predict each lead once per column; skip them for huge batches


def scoring_settings(workspace) -> ScoringSettings:
    row, _ = ScoringSettings.objects.get_or_create(workspace=workspace)
    return row


def promotion_policy(row: ScoringSettings) -> PromotionPolicy:
    return PromotionPolicy(
        confidence=row.promotion_confidence, max_champion_age_days=row.max_champion_age_days
    )


def promotion_rule_in_words(workspace) -> str:
    return describe_rule(promotion_policy(scoring_settings(workspace)))


def prior_in_words() -> str:
    return describe_prior()


# --- the lead table the model sees ---------------------------------------------------------


def lead_records(leads) -> list[dict]:
    records = []
    for lead in leads:
        record = {name: getattr(lead, name) for name in FEATURE_FIELDS}
        for key, value in (lead.attributes or {}).items():
            column = key if key not in record and key not in ("name", "email") else f"attr_{key}"
            record[column] = value
        records.append(record)
    return records


def lead_frame(leads) -> pd.DataFrame:
    frame = pd.DataFrame(lead_records(leads))
    # Empty text fields are missing values, not a category of their own.
    return frame.replace({"": np.nan})


# --- the champion ---------------------------------------------------------------------------

_cache_lock = threading.Lock()
_load_lock = threading.Lock()
# Loaded models by (registry row id, artifact checksum): a new champion is a new key, so every
# process picks it up on its next request; an artifact that failed to load is remembered with the
# file's size and time, and tried again only when the file changes.
_model_cache: OrderedDict[tuple, tuple] = OrderedDict()
_unusable: dict[tuple, tuple] = {}
MODEL_CACHE_SIZE = 8
_PRIOR = PriorModel()
_PRIOR_SCORER = compile_scorer(_PRIOR)


class Serving(NamedTuple):
    """What scores a workspace's leads now: the model, its registry row (None for the prior), the
    version label, the workspace's scoring settings and the model's row scorer (None: pandas path)."""

    model: object
    version: ScoringModelVersion | None
    label: str
    settings: ScoringSettings
    scorer: RowScorer | None


def artifact_path(workspace, version: int) -> Path:
    return Path(settings.MODEL_ARTIFACTS_DIR) / str(workspace.id) / f"v{version}.model"


def _file_signature(path: Path):
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_size, stat.st_mtime_ns)


def _load(row: ScoringModelVersion) -> tuple | None:
    """(model, row scorer) of a registry row, or None when its artifact is missing or corrupt."""
    if not row.artifact_name:
        return None
    key = (str(row.id), row.artifact_sha256)
    with _cache_lock:
        if key in _model_cache:
            _model_cache.move_to_end(key)
            return _model_cache[key]
    # One thread loads (and compiles) a model; the others of this process wait for it.
    with _load_lock:
        with _cache_lock:
            if key in _model_cache:
                return _model_cache[key]
        return _load_artifact(row, key)


def _load_artifact(row: ScoringModelVersion, key: tuple) -> tuple | None:
    path = Path(settings.MODEL_ARTIFACTS_DIR) / row.artifact_name
    signature = _file_signature(path)
    with _cache_lock:
        if key in _unusable and _unusable[key] == signature:
            return None
    header = artifacts.read_header(path)
    if header is None or header.get("sha256") != row.artifact_sha256:
        model = None
    else:
        model = artifacts.load_artifact(path)
    if model is None:
        logger.warning(
            "model %s of workspace %s is unusable: %s",
            row.label,
            row.workspace_id,
            artifacts.artifact_problem(path) or "artifact does not match its checksum",
        )
        with _cache_lock:
            _unusable[key] = signature
        return None
    loaded = (model, compile_scorer(model))
    with _cache_lock:
        _unusable.pop(key, None)
        _model_cache[key] = loaded
        while len(_model_cache) > MODEL_CACHE_SIZE:
            _model_cache.popitem(last=False)
    return loaded


def load_version(row: ScoringModelVersion):
    """The fitted model of a registry row, or None when its artifact is missing or corrupt."""
    loaded = _load(row)
    return None if loaded is None else loaded[0]


def _settings_with_champion(workspace) -> ScoringSettings:
    # The champion's metrics hold thousands of held-out scores: not needed to serve (loaded if read).
    row = (
        ScoringSettings.objects.select_related("champion")
        .defer("champion__metrics", "champion__features")
        .filter(workspace=workspace)
        .first()
    )
    return row if row is not None else scoring_settings(workspace)


def serving(workspace) -> Serving:
    """The champion, else the newest earlier promoted version whose artifact loads, else the
    transparent prior. The earlier versions are looked up only when the champion cannot serve."""
    row = _settings_with_champion(workspace)
    if row.champion_id:
        loaded = _load(row.champion)
        if loaded is not None:
            return Serving(loaded[0], row.champion, row.champion.label, row, loaded[1])
        earlier = (
            ScoringModelVersion.objects.for_workspace(workspace)
            .filter(promoted_at__isnull=False, version__lt=row.champion.version)
            .exclude(artifact_name="")
            .defer("metrics", "features")
            .order_by("-version")[:5]
        )
        for version in earlier:
            loaded = _load(version)
            if loaded is not None:
                return Serving(loaded[0], version, version.label, row, loaded[1])
    return Serving(_PRIOR, None, _PRIOR.version, row, _PRIOR_SCORER)


def serving_model(workspace):
    """(model, registry row or None, version label): see `serving`."""
    current = serving(workspace)
    return current.model, current.version, current.label


# --- scoring -------------------------------------------------------------------------------


def predict_records(current: Serving, records: list[dict], with_factors: bool = True):
    """(probabilities, factors) for lead records (see `lead_records`) with the serving model."""
    explain_them = with_factors and len(records) <= EXPLAIN_MAX_ROWS
    if current.scorer is not None:
        probabilities, factors = current.scorer.score(records, explain=explain_them)
    else:
        frame = pd.DataFrame(records).replace({"": np.nan})
        probabilities = current.model.predict_proba(frame)
        factors = explain(current.model, frame) if explain_them else [{} for _ in records]
    return probabilities, factors


def _score_rows(workspace, current: Serving, leads, probabilities, factors) -> list[LeadScore]:
    row = current.settings
    now = timezone.now()
    scores = []
    for lead, p, why in zip(leads, probabilities, factors, strict=True):
        p = float(p) if math.isfinite(float(p)) else 0.5
        scores.append(
            LeadScore(
                workspace=workspace,
                lead=lead,
                probability=p,
                display_score=display_score(p),
                risk_category=risk_category(p, row.high_threshold, row.low_threshold),
                model_version=current.label,
                model=current.version,
                factors=why,
                created_at=now,
            )
        )
    return scores


def score_leads(workspace, leads: list[Lead], with_factors: bool = True) -> list[LeadScore]:
    """Score leads with the serving model and keep every score in the lead's history."""
    if not leads:
        return []
    current = serving(workspace)
    probabilities, factors = predict_records(current, lead_records(leads), with_factors)
    scores = _score_rows(workspace, current, leads, probabilities, factors)
    LeadScore.objects.bulk_create(scores)
    return scores


def score_as_api(score: LeadScore) -> dict:
    return {
        "lead_id": score.lead.external_id or str(score.lead.id),
        "conversion_score": round(score.probability, 6),
        "display_score": score.display_score,
        "risk_category": score.risk_category,
        "model_version": score.model_version,
        "is_prior": score.model_id is None,
        "timestamp": score.created_at,
        "top_positive_factors": score.factors.get("positive", []),
        "top_negative_factors": score.factors.get("negative", []),
    }


# --- retraining ----------------------------------------------------------------------------


def _data_hash(frame: pd.DataFrame, y: np.ndarray) -> str:
    digest = hashlib.sha256()
    digest.update(pd.util.hash_pandas_object(frame.astype(str), index=False).to_numpy().tobytes())
    digest.update(np.asarray(y, dtype=np.int8).tobytes())
    return digest.hexdigest()


def _next_version(workspace) -> int:
    last = ScoringModelVersion.objects.for_workspace(workspace).order_by("-version").first()
    return 1 if last is None else last.version + 1


def training_data(workspace):
    """Leads with outcomes, oldest outcome first: (frame, y, outcome times)."""
    outcomes = list(
        Outcome.objects.for_workspace(workspace).select_related("lead").order_by("recorded_at", "id")
    )
    frame = lead_frame([o.lead for o in outcomes])
    y = np.array([int(o.won) for o in outcomes], dtype=int)
    return frame, y, [o.recorded_at for o in outcomes]


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
        _mark_demoted(workspace, keep=promoted)
    ScoringSettings.objects.filter(workspace=workspace).update(**updates)


def _mark_demoted(workspace, keep: ScoringModelVersion) -> None:
    """Close the champion span of whichever version served until now (the registry shows "champion
    from ... to ..." for it); `keep` is the new champion, whose span is open again."""
    now = timezone.now()
    current = (
        ScoringSettings.objects.filter(workspace=workspace).values_list("champion_id", flat=True).first()
    )
    if current and current != keep.pk:
        ScoringModelVersion.objects.filter(pk=current, demoted_at__isnull=True).update(demoted_at=now)
    ScoringModelVersion.objects.filter(pk=keep.pk).update(demoted_at=None)


def retrain(workspace, trigger: str = "threshold", user=None) -> ScoringModelVersion:
    """Train a challenger on all but the newest outcomes, compare it with the champion on those,
    then promote it (refitted on every outcome) or keep the champion; the reason is recorded."""
    row = scoring_settings(workspace)
    consumed = row.outcomes_since_training
    frame, y, _times = training_data(workspace)
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
        challenger = train_scoring_model(frame.iloc[older], y[older], excluded)
    except TrainingError as error:
        version.decision = ModelDecision.FAILED
        version.reason = f"Training failed: {error}."
        version.seconds = (timezone.now() - started).total_seconds()
        version.save()
        _finish_training(workspace, consumed, None)
        return version

    champion, champion_row, champion_label = serving_model(workspace)
    held_frame, held_y = frame.iloc[newest], y[newest]
    p_challenger = challenger.predict_proba(held_frame)
    policy = promotion_policy(row)
    if len(newest):
        p_champion = champion.predict_proba(held_frame)
        comparison = compare_models(held_y, p_challenger, p_champion, policy.confidence)
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
        "training_seconds": challenger.seconds,
    }
    if len(newest):
        auc = auc_interval(held_y, p_challenger, policy.confidence)
        brier = brier_interval(held_y, p_challenger, policy.confidence)
        metrics["auc"] = None if auc is None else {"value": auc[0], "low": auc[1], "high": auc[2]}
        metrics["brier"] = {"value": brier[0], "low": brier[1], "high": brier[2]}
        keep = slice(-5000, None)  # enough for the reliability chart, small enough for a JSON field
        metrics["held_out"]["y"] = held_y[keep].tolist()
        metrics["held_out"]["p"] = [round(float(v), 5) for v in p_challenger[keep]]

    deployed = challenger
    if decision.promote:
        # The promoted model learns from every outcome, the newest included.
        try:
            deployed = train_scoring_model(frame, y, excluded)
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


def make_champion(workspace, version: ScoringModelVersion, user=None, token=None) -> ScoringModelVersion:
    """Make a version the champion: a rollback when it served before (it has a promotion time),
    else its first promotion by hand. `version.restored` tells which."""
    if version.workspace_id != workspace.id:
        raise ValidationError({"version": ["This model belongs to another workspace."]})
    if load_version(version) is None:
        raise ValidationError({"version": [f"{version.label} has no usable artifact; it cannot serve."]})
    with transaction.atomic():
        row = ScoringSettings.objects.select_for_update().get(pk=scoring_settings(workspace).pk)
        previous = row.champion
        restored = version.promoted_at is not None
        _mark_demoted(workspace, keep=version)
        row.champion = version
        row.save(update_fields=["champion", "updated_at"])
        ScoringModelVersion.objects.filter(pk=version.pk).update(
            promoted_at=timezone.now(),
            promoted_via="rollback" if restored else "manual",
            promoted_by=user,
        )
        audit.record(
            workspace,
            "scoring.model_rolled_back" if restored else "scoring.model_made_champion",
            version.label,
            actor=user,
            token=token,
            previous=previous.label if previous else "prior",
        )
    version.refresh_from_db()
    version.restored = restored
    return version


# --- the score call: upsert the lead, capture an outcome, score -----------------------------


def _apply_values(lead: Lead, fields: dict, attributes: dict) -> list[str]:
    """Set the sent values on the lead (in memory); the names of the fields that changed."""
    changed = [name for name, value in fields.items() if getattr(lead, name) != value]
    for name in changed:
        setattr(lead, name, fields[name])
    merged = {**(lead.attributes or {}), **attributes}
    if merged != lead.attributes:
        lead.attributes = merged
        changed.append("attributes")
    return changed


def _leads_as_sent(workspace, items: list[dict]) -> list[tuple[Lead, list[str], bool]]:
    """Per item: the lead with its CRM id as it will be once the item's values are applied, not yet
    saved, the fields to save, and whether the lead is new."""
    ids = {item["lead_id"] for item in items}
    known = {
        lead.external_id: lead for lead in Lead.objects.for_workspace(workspace).filter(external_id__in=ids)
    }
    planned = []
    for item in items:
        lead = known.get(item["lead_id"])
        if lead is None:
            lead = Lead(
                workspace=workspace,
                external_id=item["lead_id"],
                attributes=dict(item["attributes"]),
                **item["fields"],
            )
            known[item["lead_id"]] = lead
            planned.append((lead, [], True))
        else:
            planned.append((lead, _apply_values(lead, item["fields"], item["attributes"]), False))
    return planned


def _save_lead(workspace, lead: Lead, changed: list[str], new: bool, item: dict) -> tuple[Lead, bool]:
    """Store the lead; (the stored lead, whether its values differ from the planned ones because
    another request created it first)."""
    if new:
        try:
            with transaction.atomic():
                lead.save(force_insert=True)
            return lead, False
        except IntegrityError:
            stored = Lead.objects.for_workspace(workspace).get(external_id=item["lead_id"])
            changed = _apply_values(stored, item["fields"], item["attributes"])
            if changed:
                stored.save(update_fields=[*changed, "updated_at"])
            return stored, lead_records([stored]) != lead_records([lead])
    if changed:
        lead.save(update_fields=[*changed, "updated_at"])
    return lead, False


FEEDBACK_COUNT_SECONDS = 5


def feedback_count(workspace, fresh: bool = False) -> int:
    """Outcomes collected in the workspace, as the score answer reports them.

    Counting them is a scan of every outcome (~100 ms at 100,000 on a busy PostgreSQL), too much
    for each score call: the count is kept in the cache for FEEDBACK_COUNT_SECONDS, so it may lag
    outcomes other requests recorded by that long; a call that recorded an outcome counts afresh."""
    key = f"leads:feedback-count:{workspace.id}"
    if not fresh:
        try:
            cached = cache.get(key)
        except Exception:  # noqa: BLE001 - the cache (Redis) being down must not fail a score
            cached = None
        if cached is not None:
            return cached
    total = Outcome.objects.for_workspace(workspace).count()
    try:
        cache.set(key, total, FEEDBACK_COUNT_SECONDS)
    except Exception:  # noqa: BLE001
        logger.debug("cache unavailable for the feedback count", exc_info=True)
    return total


def score_request(workspace, items: list[dict], *, token=None, user=None) -> list[dict]:
    """The score call for one or many leads: each item has lead_id, fields, attributes and an
    optional actual_outcome; answers the seed's response per lead.

    The leads are scored as they will be stored before anything is written, and the lead, outcome
    and score rows are then written in one short transaction: on SQLite a write transaction holds
    the database's single write lock, which no request should hold while a model predicts."""
    from leads.models.outcomes import OutcomeSource
    from leads.services.outcomes import record_outcome

    planned = _leads_as_sent(workspace, items)
    current = serving(workspace)
    leads = [lead for lead, _, _ in planned]
    probabilities, factors = predict_records(current, lead_records(leads))
    with transaction.atomic():
        leads, recorded, moved = [], [], []
        for (lead, changed, new), item in zip(planned, items, strict=True):
            lead, differs = _save_lead(workspace, lead, changed, new, item)
            leads.append(lead)
            if differs:
                moved.append(len(leads) - 1)
            outcome = item.get("actual_outcome")
            changed_outcome = False
            if outcome is not None:
                _, changed_outcome = record_outcome(
                    workspace, lead, bool(outcome), source=OutcomeSource.SCORE, token=token, user=user
                )
            recorded.append(changed_outcome)
        if moved:  # rare: score what was stored
            p, f = predict_records(current, lead_records([leads[i] for i in moved]))
            probabilities = np.array(probabilities, dtype=float)
            for j, i in enumerate(moved):
                probabilities[i], factors[i] = p[j], f[j]
        scores = _score_rows(workspace, current, leads, probabilities, factors)
        LeadScore.objects.bulk_create(scores)
    total = feedback_count(workspace, fresh=any(recorded))
    answers = []
    for score, changed, item in zip(scores, recorded, items, strict=True):
        answer = score_as_api(score)
        answer["actual_outcome"] = item.get("actual_outcome")
        answer["outcome_recorded"] = changed
        answer["feedback_count"] = total
        answers.append(answer)
    return answers


# --- status ---------------------------------------------------------------------------------

DRIFT_RECENT_SCORES = 1000


def drift_report(workspace, model, version) -> dict | None:
    """PSI of recent scores and inputs against what the serving model saw in training."""
    from leads.scoring.drift import PSI_WARNING, feature_drift, numeric_psi

    if version is None or getattr(model, "training_scores", None) is None:
        return None
    recent = list(
        LeadScore.objects.for_workspace(workspace)
        .filter(model=version)
        .select_related("lead")
        .order_by("-created_at")[:DRIFT_RECENT_SCORES]
    )
    if len(recent) < 20:
        return {
            "n": len(recent),
            "score_psi": None,
            "features": {},
            "warning": False,
            "threshold": PSI_WARNING,
        }
    score_psi = numeric_psi(model.training_scores, [s.probability for s in recent])
    leads = list({s.lead_id: s.lead for s in recent}.values())
    features = {}
    if model.reference_frame is not None:
        from leads.scoring.features import prepare_frame

        current = prepare_frame(lead_frame(leads), model.spec)
        features = feature_drift(model.reference_frame, current, model.spec.numeric, model.spec.categorical)
    top = dict(list(features.items())[:5])
    warning = (score_psi or 0) > PSI_WARNING or any(v > PSI_WARNING for v in top.values())
    return {
        "n": len(recent),
        "score_psi": score_psi,
        "features": top,
        "warning": warning,
        "threshold": PSI_WARNING,
    }


def scoring_status(workspace, with_drift: bool = True) -> dict:
    """What `GET /info` answers and the status page shows."""
    row = scoring_settings(workspace)
    model, version, label = serving_model(workspace)
    outcomes = Outcome.objects.for_workspace(workspace)
    total_outcomes = outcomes.count()
    won = outcomes.filter(won=True).count()
    last = ScoringModelVersion.objects.for_workspace(workspace).order_by("-version").first()
    scored = LeadScore.objects.for_workspace(workspace)
    status = {
        "model_version": label,
        "model": getattr(model, "description", ""),
        "is_prior": version is None,
        "champion_version": row.champion.label if row.champion_id else None,
        "serving_fallback": bool(row.champion_id) and (version is None or version.pk != row.champion_id),
        "total_leads_scored": scored.values("lead").distinct().count(),
        "scores_given": scored.count(),
        "feedback_samples_collected": total_outcomes,
        "outcomes_won": won,
        "outcomes_lost": total_outcomes - won,
        "retraining_status": {
            "feedback_count": row.outcomes_since_training,
            "outcomes_since_training": row.outcomes_since_training,
            "retraining_threshold": row.retrain_threshold,
            "ready_for_retraining": row.outcomes_since_training >= row.retrain_threshold,
            "retraining_pending": row.retrain_pending,
            "last_training_at": row.last_training_at,
        },
        "last_retraining": None
        if last is None
        else {
            "version": last.label,
            "decision": last.decision,
            "reason": last.reason,
            "at": last.created_at,
            "training_rows": last.training_rows,
        },
        "thresholds": {"high": row.high_threshold, "low": row.low_threshold},
    }
    if with_drift:
        status["drift"] = drift_report(workspace, model, version)
    return status
