"""Preference suggestions from the team's feedback: listing (page, API, dashboard alert), applying one
through update_preferences (audited, in the history) and dismissing one (remembered)."""

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max

from leads.models.lead_feedback import ConversionStatus, LeadFeedback
from leads.models.preferences import SuggestionDismissal
from leads.preference_learning import Judged, still_dismissed, suggest_changes
from leads.services.preferences import get_preferences, update_preferences
from workspaces import audit

# The newest judgements the estimates read: enough for any team's evidence, bounded for the page.
# Near misses are few (a small share of the runs), so they are read much further back.
MAX_KEPT_FEEDBACK = 5_000
MAX_EXPLORED_FEEDBACK = 20_000
# Suggestions are worked out once per state of the feedback and preferences, not on every page load.
CACHE_SECONDS = 600
LEAD_KEYS = ("industry", "location", "title", "company_size", "engagement_score", "quality_score")


def judged_leads(workspace):
    """One Judged per lead with feedback: useful if most of its judgements say so (ties: the
    newest), converted if anyone marked it converted."""
    base = (
        LeadFeedback.objects.for_workspace(workspace)
        .filter(lead__execution__isnull=False)
        .order_by("-updated_at")
        .values_list("lead_id", "useful", "conversion_status", *(f"lead__{k}" for k in LEAD_KEYS),
                     "lead__keep_probability", "lead__exploration_criterion")
    )  # fmt: skip
    rows = [
        *base.filter(lead__exploration_criterion="")[:MAX_KEPT_FEEDBACK],
        *base.exclude(lead__exploration_criterion="")[:MAX_EXPLORED_FEEDBACK],
    ]
    by_lead = {}
    for lead_id, useful, status, *rest in rows:
        entry = by_lead.get(lead_id)
        if entry is None:
            values = rest[: len(LEAD_KEYS)]
            probability, criterion = rest[len(LEAD_KEYS) :]
            lead = {k: v for k, v in zip(LEAD_KEYS, values, strict=True) if v not in (None, "")}
            entry = by_lead[lead_id] = {
                "lead": lead,
                "p": probability if probability else (1.0 if not criterion else None),
                "votes": [],
                "converted": False,
            }
        if useful is not None:
            entry["votes"].append(useful)
        entry["converted"] |= status == ConversionStatus.CONVERTED
    judged = []
    for entry in by_lead.values():
        votes = entry["votes"]
        if entry["p"] is None or not votes:
            continue
        yes = sum(votes)
        useful = yes * 2 > len(votes) or (yes * 2 == len(votes) and votes[0])
        judged.append(Judged(entry["lead"], entry["p"], "", useful, entry["converted"]))
    return judged


def _dismissed(workspace):
    return dict(SuggestionDismissal.objects.for_workspace(workspace).values_list("key", "evidence_n"))


def preference_suggestions(workspace, include_dismissed=False):
    """The changes the feedback clearly supports today, strongest first, without the dismissed ones
    (a dismissed suggestion comes back when the leads behind it have doubled)."""
    preferences = get_preferences(workspace)
    state = LeadFeedback.objects.for_workspace(workspace).aggregate(n=Count("id"), last=Max("updated_at"))
    key = f"leads:suggestions:{workspace.pk}:{state['n']}:{state['last']}:{preferences.updated_at}"
    key = key.replace(" ", "_")
    found = cache.get(key)
    if found is None:
        found = suggest_changes(judged_leads(workspace), preferences.to_filter())
        cache.set(key, found, CACHE_SECONDS)
    if include_dismissed:
        return found
    dismissed = _dismissed(workspace)
    return [s for s in found if s.key not in dismissed or not still_dismissed(s.evidence_n, dismissed[s.key])]


def _current(workspace, key):
    if not isinstance(key, str) or not key or len(key) > 200 or "\x00" in key:
        raise ValidationError({"key": ["Give the key of a suggestion shown to you."]})
    for suggestion in preference_suggestions(workspace, include_dismissed=True):
        if suggestion.key == key:
            return suggestion
    raise ValidationError(
        {"key": ["This suggestion no longer applies: the preferences or the feedback changed."]}
    )


def apply_suggestion(workspace, key, actor=None, token=None):
    """Apply a current suggestion through update_preferences (history and audit); returns it."""
    suggestion = _current(workspace, key)
    update_preferences(workspace, suggestion.change, actor=actor, token=token)
    return suggestion


def dismiss_suggestion(workspace, key, actor=None, token=None):
    """Remember that the team does not want this change, with the evidence it had."""
    suggestion = _current(workspace, key)
    with transaction.atomic():
        SuggestionDismissal.objects.update_or_create(
            workspace=workspace,
            key=suggestion.key,
            defaults={"evidence_n": suggestion.evidence_n, "actor": actor, "token": token},
        )
        audit.record(workspace, "leads.suggestion_dismissed", suggestion.key, actor=actor, token=token,
                     evidence_n=suggestion.evidence_n)  # fmt: skip
    return suggestion


def suggestion_alerts(workspace):
    """The suggestions as the dashboard's alerts list shows them: (message, evidence n)."""
    return [(f"Lead preferences: {s.text}", s.evidence_n) for s in preference_suggestions(workspace)]
