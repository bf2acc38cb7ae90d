"""API: `GET /leads/call-list`, today's call list (the page's list, same service)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Router, Schema

from leads.services.call_list import call_list, call_list_as_api

router = Router(tags=["leads: call list"])


class CallListEntryOut(Schema):
    id: str
    lead_id: str
    name: str
    company: str
    rank: int
    score: float | None
    current_score: float | None
    display_score: int | None
    exploration: bool
    selection_probability: float
    factors: dict[str, list[dict[str, Any]]]
    outcome: str | None


class CallListOut(Schema):
    day: dt.date
    size: int
    exploration_share: float
    explored: int
    drawn_from: int | None
    entries: list[CallListEntryOut]


@router.get(
    "/leads/call-list",
    response=CallListOut,
    summary="Today's call list",
    description=(
        "Today's leads to follow up (in the workspace's time zone), best calibrated score first, built "
        "once a day. `exploration` marks the leads drawn at random from below the cut and "
        "`selection_probability` the chance they had (1 for leads placed by score). `score` is the "
        "calibrated probability when the list was drawn, `current_score` the latest. With `day` "
        "(YYYY-MM-DD), an earlier day's list as it was drawn (empty if none)."
    ),
)
def get_call_list(request, day: dt.date | None = None):
    return call_list_as_api(call_list(request.workspace, day))
