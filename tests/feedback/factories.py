"""Factories for the feedback loop's models."""

import factory

from feedback.models import FeedbackEntry, FeedbackReport
from tests.workspaces.factories import WorkspaceFactory


class FeedbackEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeedbackEntry

    workspace = factory.SubFactory(WorkspaceFactory)
    prompt = factory.Sequence(lambda n: f"Explain topic {n} step by step")
    output = "An explanation."
    rating = 4
    thumbs = 0
    tags = factory.LazyFunction(lambda: ["technical"])
    framework = "chain-of-thought"
    model_name = "claude-sonnet-5"
    context = factory.LazyAttribute(lambda o: {"framework": o.framework, "model": o.model_name})


class FeedbackReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeedbackReport

    workspace = factory.SubFactory(WorkspaceFactory)
    period_type = "weekly"
    period = factory.Sequence(lambda n: f"2026-W{(n % 50) + 1:02d}")
    start_date = factory.Faker("date_object")
    end_date = factory.LazyAttribute(lambda o: o.start_date)
    total_prompts = 10
    success_rate = 0.5
    improvement_vs_previous = None
    data = factory.LazyAttribute(
        lambda o: {
            "period": o.period, "period_type": o.period_type, "start_date": str(o.start_date),
            "end_date": str(o.end_date), "total_prompts": o.total_prompts, "avg_rating": 3.5,
            "success_rate": o.success_rate, "success_interval": [0.2, 0.8],
            "previous_total_prompts": 0, "previous_success_rate": None, "previous_avg_rating": None,
            "improvement_vs_previous": o.improvement_vs_previous, "top_performers": [],
            "problem_areas": [], "action_items": [], "daily": [], "min_samples": 5,
        }
    )  # fmt: skip
