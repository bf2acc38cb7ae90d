"""Loop 2's call list: today's leads to follow up, built once per day per workspace (most by
calibrated score, a share explored at random below the cut, see leads/scoring/call_list.py), each
with its top factors; and the nightly rescoring of open leads so quiet leads decay in their history."""

from __future__ import annotations

import datetime as dt
import logging
import math
import random
import zoneinfo
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from core.formatting import percent
from leads.models import CallListEntry, Lead, LeadScore
from leads.scoring.call_list import draw_call_list, exploration_places, weekly_exploration_calls
from leads.services.scoring.champion import serving
from leads.services.scoring.records import cached_outcome, lead_records
from leads.services.scoring.scores import predict_records, score_leads, score_rows
from leads.services.scoring.settings import scoring_settings

logger = logging.getLogger(__name__)

SCORE_CHUNK = 500  # leads predicted at once (under scores.EXPLAIN_MAX_ROWS, so factors are computed)
MAX_UNSCORED_AT_BUILD = 20_000  # never-scored leads a build scores (in memory); beyond, they wait a night
SCORE_MOVED = 1e-6  # a rescoring stores a new score only when the probability moved more than this


def local_today(workspace) -> dt.date:
    """Today in the workspace's time zone: the day a call list belongs to."""
    try:
        zone = zoneinfo.ZoneInfo(workspace.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        zone = dt.UTC
    return timezone.now().astimezone(zone).date()


def _latest(field_name):
    return Subquery(
        LeadScore.objects.filter(lead=OuterRef("pk")).order_by("-created_at").values(field_name)[:1]
    )


def open_leads(workspace):
    """Leads without an outcome: the ones still worth a call."""
    return Lead.objects.for_workspace(workspace).filter(outcome__isnull=True)


def _chunks(items, size):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def rescore_open_leads(workspace, now=None, lead_ids=None, with_factors=True) -> dict:
    """Score open leads with the serving model, recency computed now: a lead that went quiet gets a
    lower score. A new score (with its factors) is kept only when it differs from the lead's latest
    one (or comes from another model), so the history shows each move without a row per night."""
    now = now or timezone.now()
    current = serving(workspace)
    leads_query = open_leads(workspace)
    if lead_ids is not None:
        leads_query = leads_query.filter(pk__in=list(lead_ids))
    ids = list(leads_query.order_by("pk").values_list("pk", flat=True))
    stored = 0
    for chunk in _chunks(ids, SCORE_CHUNK):
        leads = list(
            Lead.objects.filter(pk__in=chunk)
            .annotate(latest_p=_latest("probability"), latest_model=_latest("model_version"))
            .order_by("pk")
        )
        records = lead_records(leads, now)
        probabilities, _ = predict_records(current, records, with_factors=False)
        moved = [
            i
            for i, (lead, p) in enumerate(zip(leads, probabilities, strict=True))
            if lead.latest_p is None
            or lead.latest_model != current.label
            or abs(float(p) - lead.latest_p) > SCORE_MOVED
        ]
        if not moved:
            continue
        moved_leads = [leads[i] for i in moved]
        if with_factors:
            p, factors = predict_records(current, [records[i] for i in moved], with_factors=True)
        else:
            p, factors = [probabilities[i] for i in moved], [{} for _ in moved]
        rows = score_rows(workspace, current, moved_leads, p, factors)
        for row in rows:
            row.created_at = now
        LeadScore.objects.bulk_create(rows)
        stored += len(rows)
    return {"open_leads": len(ids), "scores_stored": stored, "model": current.label}


def _probabilities(workspace, lead_ids) -> dict:
    """{lead id: the serving model's probability now} without storing a score."""
    current = serving(workspace)
    found = {}
    for chunk in _chunks(list(lead_ids), SCORE_CHUNK):
        leads = list(Lead.objects.filter(pk__in=chunk).order_by("pk"))
        probabilities, _ = predict_records(current, lead_records(leads), with_factors=False)
        for lead, p in zip(leads, probabilities, strict=True):
            found[lead.pk] = float(p) if math.isfinite(float(p)) else None
    return found


def _candidates(workspace):
    return list(open_leads(workspace).annotate(p=_latest("probability")).values_list("pk", "p"))


def build_call_list(workspace, day=None) -> bool:
    """Draw and store the day's list unless it exists; True if this call stored it. Two builds at
    once store one list: the other's insert collides on the (day, rank) constraint and is undone."""
    day = day or local_today(workspace)
    if CallListEntry.objects.for_workspace(workspace).filter(day=day).exists():
        return False
    row = scoring_settings(workspace)
    candidates = _candidates(workspace)
    unscored = [pk for pk, p in candidates if p is None][:MAX_UNSCORED_AT_BUILD]
    if unscored:
        # Scored in memory for the draw, not stored: the leads that make the list get a stored score
        # (with factors) when it is shown; the others wait for the nightly rescoring.
        fresh = _probabilities(workspace, unscored)
        candidates = [(pk, fresh.get(pk, p) if p is None else p) for pk, p in candidates]
    # Seeded by workspace and day: a rebuild of the same day from the same scores draws the same list.
    rng = random.Random(f"call-list:{workspace.id}:{day.isoformat()}")
    placements = draw_call_list(candidates, row.call_list_size, row.exploration_share, rng)
    entries = [
        CallListEntry(
            workspace=workspace,
            lead_id=place.key,
            day=day,
            rank=place.rank,
            exploration=place.exploration,
            selection_probability=place.selection_probability,
            score=place.score,
        )
        for place in placements
    ]
    if not entries:
        return False
    try:
        with transaction.atomic():
            CallListEntry.objects.bulk_create(entries)
    except IntegrityError:
        logger.info("call list of %s for %s: another request built it first", workspace.id, day)
        return False
    return True


@dataclass
class CallListRow:
    entry: CallListEntry
    lead: Lead
    latest: LeadScore | None
    outcome: object | None

    @property
    def factors(self) -> dict:
        factors = (self.latest.factors if self.latest else None) or {}
        return {
            "positive": list(factors.get("positive", []))[:3],
            "negative": list(factors.get("negative", []))[:3],
        }


@dataclass
class CallList:
    day: dt.date
    size: int
    exploration_share: float
    rows: list[CallListRow] = field(default_factory=list)

    @property
    def explored(self) -> list[CallListRow]:
        return [r for r in self.rows if r.entry.exploration]

    @property
    def below_cut(self) -> int | None:
        """How many leads the explored ones were drawn from (places / probability)."""
        explored = self.explored
        if not explored:
            return None
        return round(len(explored) / explored[0].entry.selection_probability)

    @property
    def explored_chance(self) -> str:
        """The chance each explored lead had of being drawn, in percent ("1.1%")."""
        explored = self.explored
        return percent(explored[0].entry.selection_probability, 1) if explored else "–"

    @property
    def done(self) -> int:
        return sum(1 for r in self.rows if r.outcome is not None)

    @property
    def explored_places_setting(self) -> int:
        return exploration_places(self.size, self.exploration_share)

    @property
    def weekly_exploration_calls(self) -> int:
        return weekly_exploration_calls(self.size, self.exploration_share)


def _rows(workspace, day) -> list[CallListRow]:
    entries = list(
        CallListEntry.objects.for_workspace(workspace)
        .filter(day=day)
        .select_related("lead", "lead__outcome")
        .annotate(
            latest_score_id=Subquery(
                LeadScore.objects.filter(lead=OuterRef("lead")).order_by("-created_at").values("pk")[:1]
            )
        )
        .order_by("rank")
    )
    scores = LeadScore.objects.in_bulk([e.latest_score_id for e in entries if e.latest_score_id])
    rows = []
    for entry in entries:
        lead = entry.lead
        outcome = cached_outcome(lead)
        rows.append(CallListRow(entry, lead, scores.get(entry.latest_score_id), outcome))
    return rows


def call_list(workspace, day=None, build=True) -> CallList:
    """The day's call list (today's by default), built on first use when `build`; each row with the
    lead's latest score and its factors (scored now with factors if the latest score has none)."""
    today = local_today(workspace)
    day = day or today
    row = scoring_settings(workspace)
    rows = _rows(workspace, day)
    if not rows and build and day == today:
        build_call_list(workspace, day)
        rows = _rows(workspace, day)
    missing = [r.lead for r in rows if r.outcome is None and (r.latest is None or not r.latest.factors)]
    if missing:
        fresh = {s.lead_id: s for s in score_leads(workspace, missing, with_factors=True)}
        for r in rows:
            r.latest = fresh.get(r.lead.pk, r.latest)
    return CallList(day=day, size=row.call_list_size, exploration_share=row.exploration_share, rows=rows)


def call_list_as_api(the_list: CallList) -> dict:
    return {
        "day": the_list.day,
        "size": the_list.size,
        "exploration_share": the_list.exploration_share,
        "explored": len(the_list.explored),
        "drawn_from": the_list.below_cut,
        "entries": [
            {
                "id": str(r.lead.pk),
                "lead_id": r.lead.external_id or str(r.lead.pk),
                "name": r.lead.name,
                "company": r.lead.company,
                "rank": r.entry.rank,
                "score": r.entry.score,
                "current_score": r.latest.probability if r.latest else None,
                "display_score": r.latest.display_score if r.latest else None,
                "exploration": r.entry.exploration,
                "selection_probability": r.entry.selection_probability,
                "factors": r.factors,
                "outcome": None if r.outcome is None else ("won" if r.outcome.won else "lost"),
            }
            for r in the_list.rows
        ],
    }


def recent_entry(workspace, lead_id) -> CallListEntry | None:
    """The lead's entry on today's list, or on yesterday's for a page left open over midnight."""
    today = local_today(workspace)
    return (
        CallListEntry.objects.for_workspace(workspace)
        .filter(day__gte=today - dt.timedelta(days=1), day__lte=today, lead_id=lead_id)
        .select_related("lead")
        .order_by("-day")
        .first()
    )
