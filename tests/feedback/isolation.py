"""Object factories for the tenant isolation test."""

from tests.feedback.factories import FeedbackEntryFactory, FeedbackReportFactory

OBJECT_FACTORIES = {
    "entry_id": lambda workspace: FeedbackEntryFactory(workspace=workspace).pk,
    "report_id": lambda workspace: FeedbackReportFactory(workspace=workspace).pk,
}
