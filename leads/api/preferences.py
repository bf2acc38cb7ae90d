"""API: the seed's GET/POST /users/{workspace}/preferences (the seed's customer is our workspace)."""

from datetime import datetime
from typing import Annotated

from django.http import Http404
from ninja import Field, Router, Schema

from leads.services.preferences import MAX_ITEM_LENGTH, MAX_LIST_ITEMS, get_preferences, update_preferences
from leads.services.suggestions import apply_suggestion, dismiss_suggestion, preference_suggestions
from workspaces.access import require_api_write

router = Router(tags=["leads: preferences"])


# Bounded in the schema, so an oversized list is refused (422) before any query or lock; the
# service checks the same limits again for the page form. The raw entries count (duplicates and
# padding included): what is sent, not what is kept, decides how long the request works. Numbers
# are cheap to check and keep the service's 400 with its per-field message.
Entry = Annotated[str, Field(max_length=MAX_ITEM_LENGTH)]
Entries = Annotated[list[Entry], Field(max_length=MAX_LIST_ITEMS)]


class SizeRange(Schema):
    min: int | float | None = None
    max: int | float | None = None


class PreferencesIn(Schema):
    preferred_industries: Entries | None = None
    min_engagement_score: float | None = None
    company_size_range: SizeRange | None = None
    geographic_focus: Entries | None = None
    seniority_levels: Entries | None = None
    lead_quality_threshold: float | None = None
    max_leads_per_execution: int | float | None = None
    exploration_share: float | None = None
    exploration_max_per_run: int | float | None = None


class PreferencesOut(Schema):
    workspace_id: str
    preferred_industries: list[str]
    min_engagement_score: float | None
    company_size_range: SizeRange
    geographic_focus: list[str]
    seniority_levels: list[str]
    lead_quality_threshold: float | None
    max_leads_per_execution: int | None
    exploration_share: float
    exploration_max_per_run: int
    updated_at: datetime | None


def _own_workspace(request, workspace):
    """The seed's ``customer_id``: the token's workspace by id or slug; any other is 404."""
    current = request.workspace
    if workspace not in (str(current.id), current.slug):
        raise Http404
    return current


def _out(preferences):
    return {
        "workspace_id": str(preferences.workspace_id),
        **preferences.as_api(),
        **preferences.exploration_values(),
    }


@router.get("/users/{workspace}/preferences", response=PreferencesOut, summary="The lead preferences")
def read_preferences(request, workspace: str):
    return _out(get_preferences(_own_workspace(request, workspace)))


@router.post(
    "/users/{workspace}/preferences",
    response=PreferencesOut,
    summary="Set lead preferences (fields sent are set, null clears one, others keep their value)",
)
def set_preferences(request, workspace: str, payload: PreferencesIn):
    current = _own_workspace(request, workspace)
    require_api_write(request)
    data = payload.model_dump(exclude_unset=True)
    if "company_size_range" in data:
        size = data.pop("company_size_range") or {}
        data["company_size_min"] = size.get("min")
        data["company_size_max"] = size.get("max")
    preferences = update_preferences(current, data, token=request.auth)
    return _out(preferences)


class SuggestionKeyIn(Schema):
    key: Annotated[str, Field(min_length=1, max_length=200)]


@router.get(
    "/users/{workspace}/preferences/suggestions",
    summary="Preference changes the feedback on kept leads and near misses clearly supports",
)
def read_suggestions(request, workspace: str):
    current = _own_workspace(request, workspace)
    return {"suggestions": [s.as_dict() for s in preference_suggestions(current)]}


@router.post(
    "/users/{workspace}/preferences/suggestions/apply",
    response=PreferencesOut,
    summary="Apply a current suggestion (recorded in the preference history)",
)
def apply_preference_suggestion(request, workspace: str, payload: SuggestionKeyIn):
    current = _own_workspace(request, workspace)
    require_api_write(request)
    apply_suggestion(current, payload.key, token=request.auth)
    return _out(get_preferences(current))


@router.post(
    "/users/{workspace}/preferences/suggestions/dismiss",
    summary="Dismiss a suggestion (it comes back only when its evidence doubles)",
)
def dismiss_preference_suggestion(request, workspace: str, payload: SuggestionKeyIn):
    current = _own_workspace(request, workspace)
    require_api_write(request)
    suggestion = dismiss_suggestion(current, payload.key, token=request.auth)
    return {"dismissed": suggestion.key, "evidence_n": suggestion.evidence_n}
