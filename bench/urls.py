"""The app's URL conf plus the benchmark's references: bare views on the same server (docs/bench.md)."""

import json
import math
from pathlib import Path

import pandas as pd
import sklearn
from django.conf import settings
from django.http import JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from config.urls import urlpatterns as app_urlpatterns
from leads.models import LeadScore, Outcome, ScoringModelVersion
from leads.scoring.artifacts import load_artifact
from leads.scoring.features import MISSING_CATEGORY
from leads.scoring.prior import PriorModel

TRUE_WORDS = ("true", "1", "yes", "won")


@csrf_exempt
def minimal_json(request):
    """Parses the JSON body (if any) and answers a small JSON object: the floor of a request."""
    body = json.loads(request.body) if request.body else None
    return JsonResponse({"ok": True, "keys": len(body) if isinstance(body, dict) else 0})


_models = {"": PriorModel()}  # registry row id -> fitted model, loaded once per process, as the app does


def _model(version_id: str):
    if version_id not in _models:
        row = ScoringModelVersion.objects.get(pk=version_id)
        _models[version_id] = load_artifact(Path(settings.MODEL_ARTIFACTS_DIR) / row.artifact_name)
    return _models[version_id]


def _one_row(model, record: dict) -> pd.DataFrame:
    """The lead as the model's one-row input frame, in its column order (numbers as sent)."""
    spec = model.spec
    numbers = [record.get(c) if isinstance(record.get(c), (int, float)) else math.nan for c in spec.numeric]
    categories = [
        str(record[c]) if record.get(c) not in (None, "") else MISSING_CATEGORY for c in spec.categorical
    ]
    return pd.DataFrame([[*numbers, *categories]], columns=spec.columns)


def _probability(model, record: dict) -> float:
    if not hasattr(model, "pipeline"):  # the prior
        return float(model.predict_proba(pd.DataFrame([record]))[0])
    with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
        raw = model.pipeline.predict_proba(_one_row(model, record))[:, 1]
    return float(model.calibrator.transform(raw)[0])


@csrf_exempt
def score_reference(request):
    """What a durable score cannot avoid: one predict_proba of the model (its fitted pipeline and
    calibration) on the posted lead and one INSERT of the score (autocommit: the statement is its own
    committed transaction)."""
    body = json.loads(request.body)
    record = {**(body.get("attributes") or {}), **body, "source": body.get("lead_source")}
    version_id = request.GET.get("model", "")  # none: the prior serves
    probability = _probability(_model(version_id), record)
    score = LeadScore.objects.create(
        workspace_id=request.GET["workspace"],
        lead_id=request.GET["lead"],
        probability=probability,
        display_score=min(99, max(1, round(probability * 100))),
        risk_category="",
        model_version="reference",
        model_id=version_id or None,
    )
    return JsonResponse({"id": str(score.id), "conversion_score": probability})


@csrf_exempt
def outcome_reference(request, lead_id):
    """What a durable outcome cannot avoid: one INSERT of the lead's outcome, committed."""
    outcome = Outcome.objects.create(
        workspace_id=request.GET["workspace"],
        lead_id=lead_id,
        won=request.GET.get("outcome", "").lower() in TRUE_WORDS,
        source="api",
        recorded_at=timezone.now(),
    )
    return JsonResponse({"id": str(outcome.id), "won": outcome.won})


urlpatterns = [
    path("bench/minimal", minimal_json),
    path("bench/reference/score", score_reference),
    path("bench/reference/outcome/<uuid:lead_id>", outcome_reference),
    *app_urlpatterns,
]

handler400 = "workspaces.views.bad_request"
handler403 = "workspaces.views.permission_denied"
handler404 = "workspaces.views.page_not_found"
handler500 = "workspaces.views.server_error"
