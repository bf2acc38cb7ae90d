"""Read-only queries other parts of the app (and other loops' learning code) ask of the leads app."""

from leads.models import CallListEntry, Lead


def near_miss_leads(workspace):
    """The ids (a subquery) of the workspace's near misses: the few leads a run judges to teach the
    preferences, which grade no agent or recipe. The partial index ``lead_near_miss`` finds them, so
    a count takes their feedback off rather than joining every feedback row to its lead."""
    return Lead.objects.for_workspace(workspace).exclude(exploration_criterion="").values("pk")


def selection_probabilities(workspace, lead_ids=None):
    """{lead id: the selection probability of its most recent call-list entry}. Leads never on a call
    list are absent: callers treat them as probability 1 (followed up outside the list)."""
    entries = CallListEntry.objects.filter(workspace=workspace)
    if lead_ids is not None:
        entries = entries.filter(lead_id__in=list(lead_ids))
    probabilities = {}
    # Oldest first, so the most recent entry of each lead is the one that stays.
    for lead_id, probability in entries.order_by("day", "created_at").values_list(
        "lead_id", "selection_probability"
    ):
        probabilities[lead_id] = probability
    return probabilities
