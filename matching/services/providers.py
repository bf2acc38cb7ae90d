"""The providers a workspace recommends ("candidates") and their factor values, kept on a page or
synchronised from another system through the API."""

from __future__ import annotations

import math

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from matching.forms import ProviderDetailsForm, cleaned_or_refused
from matching.models import Candidate
from matching.selectors import factors_for

MAX_ABS_VALUE = 1e12


def clean_factor_values(workspace, values: dict, factors=None) -> dict[str, float]:
    """Numbers by factor key; a blank or None value leaves the factor unset. Unknown keys and
    values that are not finite numbers are errors naming the factor."""
    if not isinstance(values, dict):
        raise ValidationError({"factor_values": ["Give the factor values as an object of key: number."]})
    factors = factors_for(workspace) if factors is None else factors
    known = {f.key for f in factors}
    unknown = sorted(str(key) for key in values if key not in known)
    if unknown:
        raise ValidationError(
            {
                "factor_values": [
                    f"Unknown factor(s) {', '.join(unknown)}; this workspace has "
                    + (", ".join(sorted(known)) or "no factors yet")
                    + "."
                ]
            }
        )
    cleaned, errors = {}, {}
    for key, value in values.items():
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if isinstance(value, bool):
            number = math.nan
        else:
            try:
                number = float(value)
            except (TypeError, ValueError):
                number = math.nan
        if not math.isfinite(number) or abs(number) > MAX_ABS_VALUE:
            errors[key] = [f"'{value}' is not a number (use a finite number up to {MAX_ABS_VALUE:g})."]
        else:
            cleaned[key] = number
    if errors:
        raise ValidationError(errors)
    return cleaned


def save_candidate(
    workspace,
    *,
    name: str,
    factor_values: dict,
    description: str = "",
    active: bool = True,
    candidate: Candidate | None = None,
    upsert: bool = False,
) -> tuple[Candidate, bool]:
    """Update the given candidate, or create one (with upsert, update the one with this name
    instead). Returns (candidate, created). Factor values replace the stored ones; a name another
    provider has is an error."""
    details = cleaned_or_refused(
        ProviderDetailsForm, {"name": name, "description": description, "active": active}
    )
    name = details["name"]
    values = clean_factor_values(workspace, factor_values)
    if candidate is not None and candidate.workspace_id != workspace.id:
        raise ValidationError({"name": ["Unknown provider."]})
    if candidate is None and upsert:
        candidate = Candidate.objects.for_workspace(workspace).filter(name=name).first()
    created = candidate is None
    if created:
        candidate = Candidate(workspace=workspace)
    candidate.name = name
    candidate.description = details["description"]
    candidate.factor_values = values
    candidate.active = details["active"]
    try:
        with transaction.atomic():
            candidate.save()
    except IntegrityError:
        raise ValidationError({"name": [f"Another provider is already called '{name}'."]}) from None
    return candidate, created
