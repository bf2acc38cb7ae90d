"""Read-only queries other parts of the app (and other loops' learning code) ask of the leads app."""

from leads.models import CallListEntry


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
