"""JSON API routes of the matching loop, under the seed's /feedback-learning/ paths."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.responses import Status

from matching import selectors
from matching.models import MatchingSession, WeightVersion
from matching.performance import matching_analytics
from matching.services import providers, sessions
from workspaces.access import require_api_write

router = Router(tags=["matching"])

PREFIX = "/feedback-learning"


class StartSessionIn(Schema):
    customer_ref: str = Field("", max_length=200)
    customer_details: dict[str, Any] = Field(default_factory=dict)
    complexity: str = "medium"
    stated_preferences: dict[str, Any] = Field(default_factory=dict)
    candidate_ids: list[UUID] | None = Field(None, max_length=1000)
    limit: int | None = Field(None, ge=1, le=1000)


class RecommendationOut(Schema):
    recommendation_id: UUID
    candidate_id: UUID
    candidate_name: str
    rank: int | None
    score: float
    probability: float
    factor_values: dict[str, float]
    contributions: dict[str, float]
    explanation: str


class SessionOut(Schema):
    session_id: UUID
    customer_ref: str
    complexity: str
    segment: str
    segment_reason: str
    algorithm: str
    weights_source: str
    weights_version: int | None
    recommendations: list[RecommendationOut]


class RecordChoiceIn(Schema):
    session_id: UUID
    chosen_candidate_id: UUID | None = None
    reasoning: str = Field("", max_length=5000)
    important_factors: list[str] = Field(default_factory=list, max_length=50)
    decision_time_seconds: float | None = None
    satisfaction: int | None = Field(None, ge=1, le=5)
    outcome: str = Field("", max_length=200)


class ChoiceOut(Schema):
    choice_id: UUID
    session_id: UUID
    chosen_candidate_id: UUID | None
    chosen_rank: int | None
    satisfaction: int | None


class RecordInteractionIn(Schema):
    session_id: UUID
    candidate_id: UUID | None = None
    interaction_type: str
    time_spent_seconds: float | None = None
    viewed_explanation_level: str = Field("", max_length=30)
    expanded_sections: list[str] = Field(default_factory=list, max_length=50)
    helpful_rating: int | None = Field(None, ge=1, le=5)


class InteractionOut(Schema):
    interaction_id: UUID
    session_id: UUID
    candidate_id: UUID | None
    interaction_type: str


def session_payload(session: MatchingSession) -> dict:
    recs = session.recommendations.select_related("candidate").order_by("rank")
    return {
        "session_id": session.id,
        "customer_ref": session.customer_ref,
        "complexity": session.complexity,
        "segment": session.segment,
        "segment_reason": session.segment_reason,
        "algorithm": session.algorithm,
        "weights_source": session.weights_source,
        "weights_version": session.weights_version.number if session.weights_version else None,
        "recommendations": [
            {
                "recommendation_id": r.id,
                "candidate_id": r.candidate_id,
                "candidate_name": r.candidate.name,
                "rank": r.rank,
                "score": r.score,
                "probability": r.probability,
                "factor_values": r.factor_values,
                "contributions": r.contributions,
                "explanation": r.explanation,
            }
            for r in recs
        ],
    }


def _session(request, session_id):
    return get_object_or_404(MatchingSession.objects.for_workspace(request.workspace), pk=session_id)


@router.post(f"{PREFIX}/start-session", response={201: SessionOut}, summary="Rank candidates")
def start_session(request, payload: StartSessionIn):
    require_api_write(request)
    session = sessions.start_session(
        request.workspace,
        customer_ref=payload.customer_ref,
        details=payload.customer_details,
        complexity=payload.complexity,
        stated_preferences=payload.stated_preferences,
        candidate_ids=payload.candidate_ids,
        limit=payload.limit,
    )
    return Status(201, session_payload(session))


@router.get(f"{PREFIX}/sessions/{{session_id}}", response=SessionOut, summary="A session")
def get_session(request, session_id: UUID):
    return session_payload(_session(request, session_id))


@router.post(f"{PREFIX}/record-choice", response={201: ChoiceOut}, summary="Record a choice")
def record_choice(request, payload: RecordChoiceIn):
    require_api_write(request)
    session = _session(request, payload.session_id)
    choice = sessions.record_choice(
        request.workspace,
        session,
        candidate_id=payload.chosen_candidate_id,
        reasoning=payload.reasoning,
        important_factors=payload.important_factors,
        decision_time_seconds=payload.decision_time_seconds,
        satisfaction=payload.satisfaction,
        outcome=payload.outcome,
    )
    return Status(
        201,
        {
            "choice_id": choice.id,
            "session_id": session.id,
            "chosen_candidate_id": choice.candidate_id,
            "chosen_rank": choice.chosen_rank,
            "satisfaction": choice.satisfaction,
        },
    )


@router.post(f"{PREFIX}/record-interaction", response={201: InteractionOut}, summary="Record an interaction")
def record_interaction(request, payload: RecordInteractionIn):
    require_api_write(request)
    session = _session(request, payload.session_id)
    interaction = sessions.record_interaction(
        request.workspace,
        session,
        interaction_type=payload.interaction_type,
        candidate_id=payload.candidate_id,
        time_spent_seconds=payload.time_spent_seconds,
        viewed_explanation_level=payload.viewed_explanation_level,
        expanded_sections=payload.expanded_sections,
        helpful_rating=payload.helpful_rating,
    )
    return Status(
        201,
        {
            "interaction_id": interaction.id,
            "session_id": session.id,
            "candidate_id": interaction.recommendation.candidate_id if interaction.recommendation else None,
            "interaction_type": interaction.interaction_type,
        },
    )


class CandidateIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    description: str = Field("", max_length=5000)
    factor_values: dict[str, float | None] = Field(default_factory=dict, max_length=200)
    active: bool = True


class CandidateOut(Schema):
    candidate_id: UUID
    name: str
    description: str
    factor_values: dict[str, float]
    active: bool


def _candidate_payload(candidate):
    return {
        "candidate_id": candidate.id,
        "name": candidate.name,
        "description": candidate.description,
        "factor_values": candidate.factor_values,
        "active": candidate.active,
    }


@router.get(
    f"{PREFIX}/candidates", response=list[CandidateOut], summary="The providers and their factor values"
)
def list_candidates(request):
    return [_candidate_payload(row["candidate"]) for row in selectors.provider_rows(request.workspace)]


@router.put(
    f"{PREFIX}/candidates",
    response={200: CandidateOut, 201: CandidateOut},
    summary="Create or update a provider by name",
)
def put_candidate(request, payload: CandidateIn):
    """Upsert by name: the factor values sent replace the stored ones (unknown factor keys are refused)."""
    require_api_write(request)
    candidate, created = providers.save_candidate(
        request.workspace,
        name=payload.name,
        description=payload.description,
        factor_values=payload.factor_values,
        active=payload.active,
        upsert=True,
    )
    return Status(201 if created else 200, _candidate_payload(candidate))


@router.get(f"{PREFIX}/analytics", summary="Matching analytics with sample sizes")
def analytics(request, days: int = 90):
    return matching_analytics(request.workspace, days=max(1, min(days, 3650)))


@router.get(f"{PREFIX}/health", summary="Matching loop health")
def health(request):
    latest = WeightVersion.objects.for_workspace(request.workspace).order_by("-number").first()
    stored = MatchingSession.objects.for_workspace(request.workspace)
    return {
        "status": "ok",
        "sessions": stored.count(),
        "sessions_with_choice": stored.filter(choice__candidate__isnull=False).count(),
        "weights_version": latest.number if latest else None,
        "weights_confidence": latest.confidence if latest else None,
        "weights_learned_at": latest.created_at.isoformat() if latest else None,
    }
