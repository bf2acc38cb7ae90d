"""What the status page and `GET /info` show: the serving model, counts, retraining and drift."""

from leads.models import LeadScore, Outcome, ScoringModelVersion
from leads.scoring.drift import PSI_WARNING, feature_drift, numeric_psi
from leads.scoring.features import prepare_frame
from leads.scoring.promotion import auc_estimate_words
from leads.services.scoring.champion import serving_model
from leads.services.scoring.records import lead_frame
from leads.services.scoring.settings import scoring_settings

DRIFT_RECENT_SCORES = 1000


def drift_report(workspace, model, version) -> dict | None:
    """PSI of recent scores and inputs against what the serving model saw in training."""
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


def model_auc(version) -> dict | None:
    """The held-out AUC of a registry version with its interval and which estimate it is: over all
    leads (inverse-probability weighted by the explored ones) or over the followed-up leads."""
    if version is None:
        return None
    metrics = version.metrics or {}
    auc = metrics.get("auc")
    if not auc:
        return None
    n = (metrics.get("held_out") or {}).get("n", 0)
    weighted = bool(auc.get("weighted"))
    return {
        "value": auc.get("value"),
        "low": auc.get("low"),
        "high": auc.get("high"),
        "n": n,
        "weighted": weighted,
        "estimate": auc.get("estimate") or auc_estimate_words(n, weighted),
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
        # The serving model's held-out AUC, saying whether it holds over all leads or the followed-up.
        "model_auc": model_auc(version),
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
