"""The lead table the model sees: typed fields and free attributes, one record per lead."""

import numpy as np
import pandas as pd
from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone

from leads.models import Lead
from leads.selectors import selection_probabilities

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


SECONDS_PER_DAY = 86400.0
# How likely the lead was to be followed up: a fact about our call list, not about the lead, so never
# a feature (it would teach the model the list's own ranking); an imported column of that name is
# read as the probability instead (see `outcome_selection_probabilities`).
SELECTION_PROBABILITY = "selection_probability"


def _days_between(earlier, later) -> int:
    """Whole days from `earlier` to `later`, never negative (a date in the future counts as today)."""
    return max(0, int((later - earlier).total_seconds() // SECONDS_PER_DAY))


def cached_outcome(lead):
    """The lead's outcome if it is already loaded (select_related, or reached from the outcome),
    else None; never a query."""
    if not Lead.outcome.is_cached(lead):
        return None
    try:
        return lead.outcome
    except ObjectDoesNotExist:  # loaded as "none"
        return None


def _reference_time(lead, now):
    """When the lead's recency is measured: its outcome's time if the outcome is already loaded (a
    training row: how quiet the lead was when it was decided), otherwise now (scoring time)."""
    outcome = cached_outcome(lead)
    if outcome is not None and outcome.recorded_at is not None:
        return outcome.recorded_at
    return now


def _recency(lead, record: dict, now) -> None:
    """Days since the last contact and engagement, computed from the dates when the lead has them (so a
    quiet lead decays at every scoring), else the stored number as imported."""
    contact = getattr(lead, "last_contact_at", None)
    engagement = getattr(lead, "last_engagement_at", None)
    if contact is None and engagement is None:
        return
    at = _reference_time(lead, now)
    if contact is not None:
        record["days_since_contact"] = _days_between(contact, at)
    if engagement is not None:
        # Only leads with an engagement date carry the column: datasets without one see no change.
        record["days_since_engagement"] = _days_between(engagement, at)


def lead_records(leads, now=None) -> list[dict]:
    """One record per lead; recency in days is computed at `now` (default: the current time)."""
    now = now or timezone.now()
    records = []
    for lead in leads:
        record = {name: getattr(lead, name) for name in FEATURE_FIELDS}
        _recency(lead, record, now)
        for key, value in (lead.attributes or {}).items():
            if key == SELECTION_PROBABILITY:
                continue
            column = key if key not in record and key not in ("name", "email") else f"attr_{key}"
            record[column] = value
        records.append(record)
    return records


def lead_frame(leads, now=None) -> pd.DataFrame:
    frame = pd.DataFrame(lead_records(leads, now))
    # Empty text fields are missing values, not a category of their own.
    return frame.replace({"": np.nan})


def outcome_selection_probabilities(workspace, leads) -> list:
    """Per lead, the probability it had of being followed up: that of its most recent call-list
    selection, else a `selection_probability` it was imported with, else 1 (followed up outside the
    call list). Training weights each outcome by the inverse (`inverse_probability_weights`)."""
    listed = selection_probabilities(workspace)  # all of the workspace's: no huge IN list
    return [listed.get(lead.id, (lead.attributes or {}).get(SELECTION_PROBABILITY, 1.0)) for lead in leads]
