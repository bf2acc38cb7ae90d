"""Scoring status (model, counts, readiness, calibration, distribution, drift, registry), settings,
rollback and retrain-now."""

import numpy as np
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST
from django_htmx.http import trigger_client_event

from core.csv_export import shown
from core.stats import wilson_interval
from leads.charts import distribution_chart, reliability_chart
from leads.forms.scoring import ScoringSettingsForm
from leads.models import LeadScore, ScoringModelVersion
from leads.scoring.evaluation import reliability_table, score_histogram
from leads.services.scoring.champion import make_champion, serving_model
from leads.services.scoring.retraining_queue import request_retraining
from leads.services.scoring.settings import prior_in_words, promotion_rule_in_words, scoring_settings
from leads.services.scoring.status import scoring_status
from workspaces import audit
from workspaces.access import workspace_view
from workspaces.htmx import redirect_after_post
from workspaces.locks import lease_is_held

RECENT_SCORES = 1000


def _reliability(version):
    held = (version.metrics or {}).get("held_out", {}) if version else {}
    if not held.get("y"):
        return None, []
    rows = reliability_table(held["y"], held["p"], bins=5)
    for row in rows:
        row["ci_low"], row["ci_high"] = wilson_interval(row["won"], row["n"])
    return reliability_chart(rows), rows


def _distribution(workspace, model, version):
    """Recent scores of the serving model (or of the prior while it serves) against training."""
    scores = LeadScore.objects.for_workspace(workspace).filter(model=version)
    if version is None:
        scores = scores.filter(model_version=getattr(model, "version", ""))
    recent = list(scores.order_by("-created_at").values_list("probability", flat=True)[:RECENT_SCORES])
    rows = score_histogram(recent, bins=10)
    training = getattr(model, "training_scores", None)
    train_rows = score_histogram(training, bins=10) if training is not None else None
    n_train = 0
    if train_rows is not None:
        n_train = int(np.sum([r["n"] for r in train_rows]))
        for row, trow in zip(rows, train_rows, strict=True):
            row["training"] = trow["n"]
    return distribution_chart(rows, len(recent), train_rows, n_train), rows, len(recent)


def _retrain_context(workspace, message=""):
    """What the retraining box shows: whether one is queued or running, and the latest result.
    Polled every 2 s while one is pending, so it reads two rows, not the whole status."""
    row = scoring_settings(workspace)
    last = ScoringModelVersion.objects.for_workspace(workspace).order_by("-version").first()
    return {
        "retrain": {
            "pending": row.retrain_pending,
            "running": row.retrain_pending and lease_is_held(f"retrain:{workspace.id}"),
            "queued_at": row.retrain_queued_at,
            "last": last,
            "message": message,
        }
    }


def _retrain_box(request, context, finished):
    response = render(request, "leads/scoring_status.html#retrain", context)
    if finished:
        # The counts and the registry listen for this and reload themselves with the new model.
        trigger_client_event(response, "retrainFinished")
    return response


@workspace_view
def scoring_status_page(request):
    part = request.GET.get("part") if request.htmx else None
    if part == "retrain":
        context = _retrain_context(request.workspace)
        # Only a box that showed a pending retraining polls, so "not pending" here means it just ended.
        return _retrain_box(request, context, finished=not context["retrain"]["pending"])
    status = scoring_status(request.workspace)
    model, version, _ = serving_model(request.workspace)
    reliability_chart, reliability_rows = _reliability(version)
    distribution_chart, distribution_rows, n_recent = _distribution(request.workspace, model, version)
    versions = list(
        ScoringModelVersion.objects.for_workspace(request.workspace).order_by("-version")[
            : shown(request, 30)
        ]
    )
    champion_id = scoring_settings(request.workspace).champion_id
    recent = (
        LeadScore.objects.for_workspace(request.workspace).select_related("lead").order_by("-created_at")[:15]
    )
    outcomes = status["feedback_samples_collected"]
    won_low, won_high = wilson_interval(status["outcomes_won"], outcomes) if outcomes else (None, None)
    context = {
        "status": status,
        "version": version,
        "versions": versions,
        "champion_id": champion_id,
        "reliability_chart": reliability_chart,
        "reliability_rows": reliability_rows,
        "distribution_chart": distribution_chart,
        "distribution_rows": distribution_rows,
        "n_recent": n_recent,
        "recent": recent,
        "won_rate": (status["outcomes_won"] / outcomes) if outcomes else None,
        "won_low": won_low,
        "won_high": won_high,
        "prior_words": prior_in_words(),
        **_retrain_context(request.workspace),
    }
    if part in ("counts", "registry"):
        return render(request, f"leads/scoring_status.html#{part}", context)
    return render(request, "leads/scoring_status.html", context)


@workspace_view
def scoring_settings_page(request):
    if request.method == "POST":
        return scoring_settings_save(request)
    form = ScoringSettingsForm(instance=scoring_settings(request.workspace))
    return _settings_page(request, form, status=200)


@workspace_view(write=True)
def scoring_settings_save(request):
    """The settings page's POST (viewers get 403, the page itself stays readable)."""
    form = ScoringSettingsForm(request.POST, instance=scoring_settings(request.workspace))
    if form.is_valid():
        form.save()
        audit.record(
            request.workspace,
            "scoring.settings_changed",
            "scoring settings",
            actor=request.user,
            **{k: v for k, v in form.cleaned_data.items() if k != "excluded_columns_text"},
            excluded_columns=form.cleaned_data["excluded_columns_text"],
        )
        messages.success(request, "Scoring settings saved.")
        return redirect_after_post(request, "leads:scoring_settings")
    return _settings_page(request, form, status=400)


def _settings_page(request, form, status):
    context = {
        "form": form,
        "rule": promotion_rule_in_words(request.workspace),
        "prior_words": prior_in_words(),
    }
    if request.htmx and request.method == "POST":
        return render(request, "leads/scoring_settings.html#settings-form", context, status=status)
    return render(request, "leads/scoring_settings.html", context, status=status)


@require_POST
@workspace_view(write=True)
def model_make_champion(request, model_id):
    version = get_object_or_404(ScoringModelVersion.objects.for_workspace(request.workspace), pk=model_id)
    if scoring_settings(request.workspace).champion_id == version.id:
        messages.info(request, f"{version.label} is already the champion.")
        return redirect_after_post(request, "leads:scoring_status")
    try:
        version = make_champion(request.workspace, version, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if version.restored:
            messages.success(request, f"{version.label} is the champion again (rollback); new scores use it.")
        else:
            messages.success(request, f"{version.label} is now the champion; new scores use it.")
    return redirect_after_post(request, "leads:scoring_status")


@require_POST
@workspace_view(write=True)
def retrain_now(request):
    queued = request_retraining(request.workspace, trigger="manual")
    message = "" if queued else "A retraining is already queued or running."
    if request.htmx:
        context = _retrain_context(request.workspace, message)
        # Without a worker the retraining ran inside this request and is over already.
        return _retrain_box(request, context, finished=queued and not context["retrain"]["pending"])
    if queued:
        messages.success(request, "Retraining queued; this page shows the result when it ends.")
    else:
        messages.info(request, message)
    return redirect_after_post(request, "leads:scoring_status")
