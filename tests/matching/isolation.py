"""Objects of a workspace for the tenant isolation test, by URL kwarg name."""

from tests.matching.factories import CandidateFactory, MatchingSessionFactory, RecommendationFactory

OBJECT_FACTORIES = {
    "candidate_id": lambda workspace: CandidateFactory(workspace=workspace).id,
    "session_id": lambda workspace: MatchingSessionFactory(workspace=workspace).id,
    "recommendation_id": lambda workspace: RecommendationFactory(workspace=workspace).id,
}
