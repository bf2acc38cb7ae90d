"""Raw rows of each loop as streamed CSV: a million rows never sit in memory at once."""

from analytics.exports import streamed_csv_response

CHUNK = 2000


def _leads(workspace, period):
    from leads.models import Lead

    fields = [
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
    ]
    rows = Lead.objects.for_workspace(workspace).filter(
        created_at__gte=period.start, created_at__lt=period.end
    )
    return fields, rows.order_by("created_at").values_list(*fields)


def _lead_feedback(workspace, period):
    from leads.models import LeadFeedback

    fields = [
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
    ]
    rows = LeadFeedback.objects.for_workspace(workspace).filter(
        created_at__gte=period.start, created_at__lt=period.end
    )
    return fields, rows.order_by("created_at").values_list(*fields)


def _outcomes(workspace, period):
    from leads.models import Outcome

    fields = ["id", "lead__external_id", "won", "reason", "source", "recorded_at"]
    rows = Outcome.objects.for_workspace(workspace).filter(
        recorded_at__gte=period.start, recorded_at__lt=period.end
    )
    return fields, rows.order_by("recorded_at").values_list(*fields)


def _metrics(workspace, period):
    from content.models import DailyMetric

    fields = [
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
    ]
    rows = DailyMetric.objects.for_workspace(workspace).filter(
        date__gte=period.start.date(), date__lt=period.end.date()
    )
    return fields, rows.order_by("date").values_list(*fields)


def _choices(workspace, period):
    from matching.models import Choice

    fields = [
        "session_id",
        "session__segment",
        "candidate__name",
        "chosen_rank",
        "satisfaction",
        "decision_time_seconds",
        "reasoning",
        "created_at",
    ]
    rows = Choice.objects.for_workspace(workspace).filter(
        created_at__gte=period.start, created_at__lt=period.end
    )
    return fields, rows.order_by("created_at").values_list(*fields)


def _outputs(workspace, period):
    from feedback.models import FeedbackEntry

    fields = [
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
    ]
    rows = FeedbackEntry.objects.for_workspace(workspace).filter(
        created_at__gte=period.start, created_at__lt=period.end
    )
    return fields, rows.order_by("created_at").values_list(*fields)


DATASETS = {
    "leads": ("Leads", _leads),
    "lead-feedback": ("Lead feedback", _lead_feedback),
    "outcomes": ("Won / lost outcomes", _outcomes),
    "content-metrics": ("Daily post metrics", _metrics),
    "matching-choices": ("Matching choices", _choices),
    "output-feedback": ("Rated outputs", _outputs),
}


def export_response(workspace, dataset, period):
    label, build = DATASETS[dataset]
    fields, rows = build(workspace, period)
    header = [f.replace("__", " ") for f in fields]
    return streamed_csv_response(f"{dataset}-{period.start:%Y%m%d}", header, rows.iterator(chunk_size=CHUNK))
