"""A workspace's mix of rated entries: analytical ones that succeed, creative ones that fail."""

from tests.feedback.factories import FeedbackEntryFactory


def mixed_entries(workspace, n=12):
    for i in range(n):
        FeedbackEntryFactory(
            workspace=workspace,
            prompt=f"analyse step by step case {i}",
            rating=5,
            tags=["analytical"],
            framework="cot",
            model_name="sonnet",
        )
        FeedbackEntryFactory(
            workspace=workspace,
            prompt=f"write a story quickly {i}",
            rating=2,
            tags=["creative"],
            framework="few-shot",
            model_name="haiku",
        )
