"""Objects of a workspace for the tenant isolation test, by URL kwarg name."""

from core.import_flow import save_result
from tests.matching.factories import CandidateFactory, MatchingSessionFactory, RecommendationFactory

OBJECT_FACTORIES = {
    "candidate_id": lambda workspace: CandidateFactory(workspace=workspace).id,
    "session_id": lambda workspace: MatchingSessionFactory(workspace=workspace).id,
    "recommendation_id": lambda workspace: RecommendationFactory(workspace=workspace).id,
    # An inline import's stored result (its result page and error report).
    "choice_import_id": lambda workspace: save_result(
        "choices",
        workspace,
        {"file_name": "x.csv", "stored": 1, "updated": 0, "skipped": 1, "errors": [[2, "a", "bad"]]},
    ),
}
