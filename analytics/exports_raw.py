"""Raw rows of each loop as streamed CSV: a million rows never sit in memory at once."""

from dataclasses import dataclass

from django.apps import apps

from core.csv_export import csv_response

CHUNK = 2000


@dataclass(frozen=True)
class Dataset:
    label: str
    model: str  # "app.Model"
    date_field: str  # the rows of the period are those whose date falls in it
    fields: tuple[str, ...]
    by_day: bool = False  # date_field is a DateField, not a DateTimeField

    def rows(self, workspace, period):
        model = apps.get_model(self.model)
        start, end = (period.start.date(), period.end.date()) if self.by_day else (period.start, period.end)
        return (
            model.objects.for_workspace(workspace)
            .filter(**{f"{self.date_field}__gte": start, f"{self.date_field}__lt": end})
            .order_by(self.date_field)
            .values_list(*self.fields)
        )


DATASETS = {
    "leads": Dataset(
        "Leads",
        "leads.Lead",
        "created_at",
        (
            "id",
            "external_id",
            "name",
            "email",
            "company",
            "industry",
            "location",
            "company_size",
            "title",
            "source",
            "engagement_score",
            "quality_score",
            "created_at",
        ),
    ),
    "lead-feedback": Dataset(
        "Lead feedback",
        "leads.LeadFeedback",
        "created_at",
        (
            "id",
            "lead_id",
            "execution_id",
            "useful",
            "relevant",
            "conversion_status",
            "quality_score",
            "feedback_text",
            "created_at",
            "updated_at",
        ),
    ),
    "outcomes": Dataset(
        "Won / lost outcomes",
        "leads.Outcome",
        "recorded_at",
        ("id", "lead__external_id", "won", "reason", "source", "recorded_at"),
    ),
    "content-metrics": Dataset(
        "Daily post metrics",
        "content.DailyMetric",
        "date",
        (
            "post__external_id",
            "post__brand__name",
            "post__platform",
            "post__variant",
            "post__experiment__name",
            "date",
            "impressions",
            "clicks",
            "conversions",
            "revenue",
        ),
        by_day=True,
    ),
    "matching-choices": Dataset(
        "Matching choices",
        "matching.Choice",
        "created_at",
        (
            "session_id",
            "session__segment",
            "candidate__name",
            "chosen_rank",
            "satisfaction",
            "decision_time_seconds",
            "reasoning",
            "created_at",
        ),
    ),
    "matching-interactions": Dataset(
        "Matching interactions",
        "matching.Interaction",
        "created_at",
        (
            "session_id",
            "session__segment",
            "interaction_type",
            "recommendation__candidate__name",
            "recommendation__rank",
            "time_spent_seconds",
            "viewed_explanation_level",
            "expanded_sections",
            "helpful_rating",
            "created_at",
        ),
    ),
    "output-feedback": Dataset(
        "Rated outputs",
        "feedback.FeedbackEntry",
        "created_at",
        (
            "id",
            "created_at",
            "rating",
            "thumbs",
            "tags",
            "framework",
            "model_name",
            "prompt",
            "output",
            "notes",
        ),
    ),
}


def export_response(workspace, dataset, period):
    chosen = DATASETS[dataset]
    header = [f.replace("__", " ") for f in chosen.fields]
    rows = chosen.rows(workspace, period).iterator(chunk_size=CHUNK)
    return csv_response(f"{dataset}-{period.start:%Y%m%d}", header, rows, stream=True)
