"""Capturing rated outputs: one entry, a batch, a changed rating; each clears the pattern cache."""

from django.core.exceptions import ValidationError
from django.db import transaction

from feedback.forms import EntryForm, RatingChangeForm, validated
from feedback.models import FeedbackEntry, PatternCache
from feedback.services.batches import clean_batch

MAX_BATCH = 1000


def invalidate_patterns(workspace) -> None:
    PatternCache.objects.for_workspace(workspace).delete()


def clean_entry(data: dict) -> dict:
    """FeedbackEntry's fields from raw data (keys: prompt, output, rating, thumbs, tags, context,
    framework, model, notes, timestamp); ValidationError naming each bad field."""
    return EntryForm.check(data)


@transaction.atomic
def store_entry(workspace, fields: dict) -> FeedbackEntry:
    """Store an entry already cleaned by EntryForm (``form.entry_fields()``)."""
    entry = FeedbackEntry.objects.create(workspace=workspace, **fields)
    invalidate_patterns(workspace)
    return entry


def capture_entry(workspace, **data) -> FeedbackEntry:
    """Store one rated output (keys as ``clean_entry``)."""
    return store_entry(workspace, clean_entry(data))


@transaction.atomic
def store_entries(workspace, rows: list[dict]) -> list[FeedbackEntry]:
    """Store cleaned entries in bulk."""
    entries = FeedbackEntry.objects.bulk_create(
        [FeedbackEntry(workspace=workspace, **row) for row in rows], batch_size=500
    )
    invalidate_patterns(workspace)
    return entries


def capture_batch(workspace, items: list[dict], *, prefix: str = "entries") -> list[FeedbackEntry]:
    """Store several entries at once; nothing is stored when any of them is invalid."""
    cleaned = clean_batch(
        items,
        clean_entry,
        prefix=prefix,
        limit=MAX_BATCH,
        too_many=f"At most {MAX_BATCH} entries per batch.",
        empty="Send at least one entry.",
    )
    return store_entries(workspace, cleaned)


@transaction.atomic
def rate_entry(workspace, entry: FeedbackEntry, *, rating=None, thumbs=None) -> FeedbackEntry:
    """Change an entry's rating and/or thumbs (the rating widget)."""
    if entry.workspace_id != workspace.id:
        raise ValidationError({"entry": ["This entry belongs to another workspace."]})
    change = validated(RatingChangeForm, {"rating": rating, "thumbs": thumbs}).cleaned_data
    if change["rating"] is not None:
        entry.rating = change["rating"]
    if change["thumbs"] is not None:
        entry.thumbs = change["thumbs"]
    entry.save(update_fields=["rating", "thumbs", "updated_at"])
    invalidate_patterns(workspace)
    return entry
