"""Object factories for the tenant isolation test."""

from core.import_flow import save_result
from tests.feedback.factories import FeedbackEntryFactory, FeedbackReportFactory

OBJECT_FACTORIES = {
    "entry_id": lambda workspace: FeedbackEntryFactory(workspace=workspace).pk,
    "report_id": lambda workspace: FeedbackReportFactory(workspace=workspace).pk,
    # An inline import's stored result (its result page and error report).
    "feedback_import_id": lambda workspace: save_result(
        "feedback",
        workspace,
        {"file_name": "x.csv", "stored": 1, "updated": 0, "skipped": 1, "errors": [[2, "a", "bad"]]},
    ),
    # A pairwise judgments import's stored result.
    "judgment_import_id": lambda workspace: save_result(
        "feedback-pairwise",
        workspace,
        {"file_name": "j.csv", "stored": 1, "updated": 0, "skipped": 1, "errors": [[2, "verdict", "bad"]]},
    ),
}
