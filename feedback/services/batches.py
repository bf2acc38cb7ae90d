"""Batches sent at once (the API's entries and judgments): every row checked, all stored or none."""

from collections.abc import Callable

from django.core.exceptions import ValidationError


def clean_batch(
    items: list, clean: Callable[[dict], dict], *, prefix: str, limit: int, too_many: str, empty: str
) -> list[dict]:
    """Each item through ``clean`` (a form's check; an item that is not a dict is checked as {}).
    ValidationError on ``prefix`` for more than ``limit`` items (``too_many``) or none (``empty``),
    else on ``prefix.index.field`` for every bad field of every bad item, so nothing is stored."""
    if len(items) > limit:
        raise ValidationError({prefix: [too_many]})
    if not items:
        raise ValidationError({prefix: [empty]})
    cleaned, errors = [], {}
    for index, item in enumerate(items):
        try:
            cleaned.append(clean(item if isinstance(item, dict) else {}))
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors[f"{prefix}.{index}.{field}"] = messages
    if errors:
        raise ValidationError(errors)
    return cleaned
