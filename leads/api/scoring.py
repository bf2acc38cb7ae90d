"""API: the seed's `POST /score` (single and batch, with `actual_outcome`) and `GET /info`."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Annotated, Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from ninja import Router, Schema
from pydantic import ConfigDict, Field, field_validator

from leads.services.scoring.scores import score_request
from leads.services.scoring.status import scoring_status
from workspaces.access import require_api_write

router = Router(tags=["leads: scoring"])

Count = Annotated[int, Field(ge=0, le=1_000_000_000)]
Share = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]
Text = Annotated[str, Field(max_length=200)]
AttributeValue = str | bool | int | float | None
CORE_TEXT = ("name", "company", "industry", "location", "title")
CORE_NUMBERS = ("company_size", "email_opens", "website_visits", "content_downloads", "days_since_contact")


class LeadIn(Schema):
    """A lead as the CRM knows it. Unknown top-level fields are refused: put them in `attributes`."""

    model_config = ConfigDict(extra="forbid")

    lead_id: Annotated[str, Field(min_length=1, max_length=200)]
    name: Text | None = None
    email: Annotated[str, Field(max_length=254)] | None = None
    company: Text | None = None
    industry: Text | None = None
    location: Text | None = None
    title: Text | None = None
    lead_source: Text | None = None
    source: Text | None = None
    company_size: Count | None = None
    age: Annotated[int, Field(ge=0, le=150)] | None = None
    email_opens: Count | None = None
    website_visits: Count | None = None
    content_downloads: Count | None = None
    days_since_contact: Count | None = None
    engagement_score: Share | None = None
    quality_score: Share | None = None
    attributes: dict[Annotated[str, Field(min_length=1, max_length=100)], AttributeValue] = Field(
        default_factory=dict
    )
    actual_outcome: bool | None = None

    @field_validator("lead_id")
    @classmethod
    def _strip_id(cls, value):
        value = value.strip()
        if not value:
            raise ValueError("lead_id must not be blank.")
        return value

    @field_validator("email")
    @classmethod
    def _valid_email(cls, value):
        if value:
            try:
                validate_email(value)
            except DjangoValidationError as error:
                raise ValueError("Enter a valid email address.") from error
        return value

    @field_validator("attributes")
    @classmethod
    def _finite_attributes(cls, value):
        if len(value) > 200:
            raise ValueError("At most 200 attributes.")
        for key, item in value.items():
            if isinstance(item, float) and not math.isfinite(item):
                raise ValueError(f"Attribute '{key}' is not a finite number.")
            if isinstance(item, str) and len(item) > 2000:
                raise ValueError(f"Attribute '{key}' is longer than 2000 characters.")
        return value

    def as_item(self) -> dict:
        fields = {name: getattr(self, name) for name in CORE_TEXT if getattr(self, name) is not None}
        fields.update({name: getattr(self, name) for name in CORE_NUMBERS if getattr(self, name) is not None})
        for name in ("engagement_score", "quality_score", "email"):
            if getattr(self, name) is not None:
                fields[name] = getattr(self, name)
        source = self.lead_source if self.lead_source is not None else self.source
        if source is not None:
            fields["source"] = source
        attributes = dict(self.attributes)
        if self.age is not None:
            attributes["age"] = self.age
        return {
            "lead_id": self.lead_id,
            "fields": fields,
            "attributes": attributes,
            "actual_outcome": self.actual_outcome,
        }


class Factor(Schema):
    feature: str
    value: Any = None
    effect: float


class ScoreOut(Schema):
    lead_id: str
    conversion_score: float
    display_score: int
    risk_category: str
    model_version: str
    is_prior: bool
    timestamp: datetime
    top_positive_factors: list[Factor]
    top_negative_factors: list[Factor]
    actual_outcome: bool | None = None
    outcome_recorded: bool
    feedback_count: int


class BatchIn(Schema):
    model_config = ConfigDict(extra="forbid")

    leads: list[LeadIn]


@router.post("/score", response=ScoreOut, summary="Score one lead (and record its outcome when known)")
def score(request, payload: LeadIn):
    require_api_write(request)
    return score_request(request.workspace, [payload.as_item()], token=request.auth)[0]


@router.post("/score/batch", response=list[ScoreOut], summary="Score a list of leads")
def score_batch(request, payload: BatchIn | list[LeadIn]):
    """Body: a JSON list of leads, or {"leads": [...]}."""
    require_api_write(request)
    if isinstance(payload, list):
        payload = BatchIn(leads=payload)
    limit = settings.LEADS_SCORE_BATCH_MAX
    if not payload.leads:
        raise DjangoValidationError({"leads": ["Send at least one lead."]})
    if len(payload.leads) > limit:
        raise DjangoValidationError(
            {"leads": [f"At most {limit} leads per batch (got {len(payload.leads)})."]}
        )
    ids = [lead.lead_id for lead in payload.leads]
    if len(set(ids)) != len(ids):
        raise DjangoValidationError({"leads": ["Each lead_id may appear once per batch."]})
    return score_request(request.workspace, [lead.as_item() for lead in payload.leads], token=request.auth)


@router.get("/info", summary="Model version, counts and retraining status")
def info(request):
    return scoring_status(request.workspace)
