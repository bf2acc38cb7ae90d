"""Scoring leads with the serving model: the page's batch, and the score call that upserts the lead
and captures an outcome first."""

from __future__ import annotations

import logging
import math

import numpy as np
import pandas as pd
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from leads.models import Lead, LeadScore, Outcome, OutcomeSource
from leads.scoring.display import display_score, risk_category
from leads.scoring.explanations import explain
from leads.services.outcomes import record_outcome
from leads.services.scoring.champion import Serving, serving
from leads.services.scoring.records import lead_records

logger = logging.getLogger(__name__)

EXPLAIN_MAX_ROWS = 1000  # explanations predict each lead once per column; skip them for huge batches


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


def score_rows(workspace, current: Serving, leads, probabilities, factors) -> list[LeadScore]:
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
    scores = score_rows(workspace, current, leads, probabilities, factors)
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
        scores = score_rows(workspace, current, leads, probabilities, factors)
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
