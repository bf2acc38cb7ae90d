"""Reading and changing a workspace's lead preferences (behind the form and the API)."""

import math

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from leads.models.preferences import EXPLORATION_FIELDS, PREFERENCE_FIELDS, PreferenceRevision, PreferenceSet
from workspaces import audit

LIST_FIELDS = ("preferred_industries", "geographic_focus", "seniority_levels")
SCORE_FIELDS = ("min_engagement_score", "lead_quality_threshold")
COUNT_FIELDS = ("company_size_min", "company_size_max", "max_leads_per_execution")
MAX_EXPLORATION_SHARE = 0.5
MAX_EXPLORED_PER_RUN = 100
MAX_LIST_ITEMS = 100
MAX_ITEM_LENGTH = 120
# What the form's text box may hold: every entry at its longest plus a separator.
MAX_LIST_TEXT = MAX_LIST_ITEMS * (MAX_ITEM_LENGTH + 2)


def get_preferences(workspace):
    """The workspace's current preferences; an unsaved empty set (filters nothing) if none yet."""
    found = PreferenceSet.objects.for_workspace(workspace).first()
    return found or PreferenceSet(workspace=workspace)


def _clean_list(name, value, errors):
    if value is None:
        return []
    # Bounds first, so that no input makes the work below long: a text over what the form allows,
    # or a list longer than the limit, is refused before a single entry is looked at.
    if isinstance(value, str):
        if len(value) > MAX_LIST_TEXT:
            errors[name] = [f"At most {MAX_LIST_TEXT:,} characters."]
            return None
        value = [part for chunk in value.splitlines() for part in chunk.split(",")]
        value = [part for part in value if part.strip()]  # "a,,b" and blank lines are not entries
    if not isinstance(value, (list, tuple)):
        errors[name] = ["Give a list of texts."]
        return None
    if len(value) > MAX_LIST_ITEMS:
        errors[name] = [f"At most {MAX_LIST_ITEMS} entries."]
        return None
    cleaned, seen = [], set()  # a set: the duplicate check stays linear
    for item in value:
        if not isinstance(item, str):
            errors[name] = ["Every entry must be a text."]
            return None
        if "\x00" in item:
            errors[name] = ["Entries must not contain NUL characters."]
            return None
        item = " ".join(item.split())
        if len(item) > MAX_ITEM_LENGTH:
            errors[name] = [f"Entries can be at most {MAX_ITEM_LENGTH} characters long."]
            return None
        if item and item.casefold() not in seen:
            seen.add(item.casefold())
            cleaned.append(item)
    return cleaned


def _clean_score(name, value, errors):
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        errors[name] = ["Give a number between 0 and 1."]
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        errors[name] = ["Give a number between 0 and 1."]
        return None
    if not math.isfinite(number) or not 0 <= number <= 1:
        errors[name] = ["Must be between 0 and 1."]
        return None
    return number


def _clean_count(name, value, errors, minimum):
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        errors[name] = ["Give a whole number."]
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        errors[name] = ["Give a whole number."]
        return None
    if not math.isfinite(number) or not number.is_integer():
        errors[name] = ["Give a whole number."]
        return None
    if number < minimum:
        errors[name] = [f"Must be at least {minimum}."]
        return None
    if number > 10_000_000:
        errors[name] = ["Must be at most 10,000,000."]
        return None
    return int(number)


def clean_preferences(data):
    """Validate preference values (any subset of the fields); raise ValidationError per field."""
    errors = {}
    cleaned = {}
    for name, value in data.items():
        if name in LIST_FIELDS:
            cleaned[name] = _clean_list(name, value, errors)
        elif name in SCORE_FIELDS:
            cleaned[name] = _clean_score(name, value, errors)
        elif name == "max_leads_per_execution":
            cleaned[name] = _clean_count(name, value, errors, minimum=1)
        elif name in COUNT_FIELDS:
            cleaned[name] = _clean_count(name, value, errors, minimum=0)
        elif name == "exploration_share":
            share = _clean_score(name, value, errors)
            if share is not None and share > MAX_EXPLORATION_SHARE:
                errors[name] = [f"At most {MAX_EXPLORATION_SHARE:g} (half of the near misses)."]
            cleaned[name] = 0.0 if share is None else share
        elif name == "exploration_max_per_run":
            count = _clean_count(name, value, errors, minimum=0)
            if count is not None and count > MAX_EXPLORED_PER_RUN:
                errors[name] = [f"At most {MAX_EXPLORED_PER_RUN}."]
            cleaned[name] = 0 if count is None else count
    low, high = cleaned.get("company_size_min"), cleaned.get("company_size_max")
    if low is not None and high is not None and low > high and not errors:
        errors["company_size_max"] = ["The maximum company size must be at least the minimum."]
    if errors:
        raise ValidationError(errors)
    return cleaned


def update_preferences(workspace, data, actor=None, token=None):
    """Set the given preference fields (others keep their value); record history and audit.

    ``data`` uses the model's field names; nothing is saved if any value is invalid.
    """
    unknown = set(data) - set(PREFERENCE_FIELDS) - set(EXPLORATION_FIELDS)
    if unknown:
        raise ValidationError({name: ["Unknown preference."] for name in sorted(unknown)})
    # Checked before the transaction: the row lock below is held only to merge and save.
    cleaned = clean_preferences(data)
    try:
        return _save_preferences(workspace, cleaned, actor, token)
    except IntegrityError:
        # Two first saves at once: the other created the row; apply this change on top of it.
        return _save_preferences(workspace, cleaned, actor, token)


def _save_preferences(workspace, cleaned, actor, token):
    with transaction.atomic():
        current = PreferenceSet.objects.select_for_update().for_workspace(workspace).first() or PreferenceSet(
            workspace=workspace
        )
        before = {**current.values(), **current.exploration_values()}
        merged = {**before, **cleaned}
        # Check the range on the merged values: a partial update may set only one bound.
        clean_preferences({"company_size_min": merged["company_size_min"],
                           "company_size_max": merged["company_size_max"]})  # fmt: skip
        created = current._state.adding
        for name, value in merged.items():
            setattr(current, name, value)
        current.save()
        changed = {
            name: [before[name], merged[name]]
            for name in PREFERENCE_FIELDS + EXPLORATION_FIELDS
            if before[name] != merged[name]
        }
        if changed or created:
            PreferenceRevision.objects.create(
                workspace=workspace, values=current.values(), changed=changed, actor=actor, token=token
            )
            audit.record(workspace, "leads.preferences_changed", "lead preferences", actor=actor, token=token,
                         changed=sorted(changed))  # fmt: skip
    return current


def preference_history(workspace, limit=20):
    return list(PreferenceRevision.objects.for_workspace(workspace).select_related("actor", "token")[:limit])
