"""JSON API routes of the content loop (the seed's /feedback-loop/ paths)."""

import datetime as dt
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.shortcuts import get_object_or_404
from ninja import Body, Field, Router, Schema
from ninja.errors import HttpError

from content import performance
from content.models import Brand, Experiment, WinnerRun
from content.services import ingest, winner_job, winner_store
from workspaces.access import require_api_write

router = Router(tags=["content"])


class MetricsIngestRequest(Schema):
    post_id: str = Field(..., max_length=200)
    platform: str | None = Field(None, max_length=50)
    impressions: int
    clicks: int
    conversions: int = 0
    revenue: Decimal = Decimal(0)
    date: dt.date | None = Field(None, description="The day the counts are for; today if absent.")
    brand: str | None = Field(None, max_length=200, description="Needed to create an unknown post.")
    experiment: str | None = Field(None, max_length=200)
    variant: str | None = Field(None, max_length=50)
    text: str | None = Field(None, max_length=5000)
    published_at: dt.datetime | None = None


class MetricsIngestResponse(Schema):
    success: bool
    message: str
    post_id: str
    date: dt.date
    ctr: float
    conversion_rate: float


class BatchError(Schema):
    index: int
    post_id: str | None = None
    errors: dict[str, list[str]]


class BatchIngestResponse(Schema):
    success: bool
    message: str
    received: int
    ingested: int
    errors: list[BatchError]


class WinnerSearchRequest(Schema):
    query_text: str = Field(..., max_length=5000)
    limit: int = Field(10, ge=1, le=100)
    brand_id: UUID | None = None


class WinnerSearchResponse(Schema):
    success: bool
    query_text: str
    results: list[dict]


class FeedbackStatsResponse(Schema):
    success: bool
    message: str
    stats: dict


class ExperimentResponse(Schema):
    success: bool
    experiment: dict


class PerformanceAnalysisRequest(Schema):
    brand_id: UUID
    days: int = Field(30, ge=1, le=3650)


class PerformanceAnalysisResponse(Schema):
    success: bool
    brand_id: str
    analysis: dict


def _payload(item: MetricsIngestRequest) -> dict:
    return item.dict()


@router.post("/feedback-loop/metrics/ingest", response=MetricsIngestResponse)
def ingest_metrics(request, payload: MetricsIngestRequest):
    """Store one post's counts for one day (the same post and day again replaces the row)."""
    require_api_write(request)
    metric = ingest.ingest_metric(request.workspace, _payload(payload))
    return {
        "success": True,
        "message": "Metrics successfully ingested",
        "post_id": metric.post.external_id,
        "date": metric.date,
        "ctr": metric.ctr,
        "conversion_rate": metric.conversion_rate,
    }


@router.post("/feedback-loop/metrics/ingest/batch", response=BatchIngestResponse)
def ingest_metrics_batch(request, payload: list[Any] = Body(...)):
    """A list of metric rows: good rows are stored, bad ones come back with their reasons."""
    require_api_write(request)
    result = ingest.ingest_batch(request.workspace, payload)
    bad = len(result["errors"])
    return {
        "success": bad == 0,
        "message": f"{result['ingested']} of {result['received']} rows ingested"
        + (f"; {bad} rejected" if bad else ""),
        **result,
    }


@router.post("/feedback-loop/jobs/nightly-winner", response={200: FeedbackStatsResponse, 409: dict})
def run_nightly_winner(request):
    """Run the winner job now for this workspace and answer its stats."""
    require_api_write(request)
    run = winner_job.run_winner_job(request.workspace, trigger=WinnerRun.Trigger.API)
    if run.status == WinnerRun.Status.SKIPPED:
        raise HttpError(409, " ".join(run.error_messages) or "The job was skipped.")
    return {
        "success": run.status == WinnerRun.Status.DONE,
        "message": "Nightly winner job completed",
        "stats": {
            **run.stats,
            "no_meaningful_difference": run.no_meaningful_difference,
            "run_id": str(run.id),
            "run_date": run.run_date.isoformat(),
        },
    }


@router.post("/feedback-loop/winners/search", response=WinnerSearchResponse)
def search_winners(request, payload: WinnerSearchRequest):
    """Winning copy most similar to query_text (cosine over the workspace's vectors)."""
    brand = None
    if payload.brand_id is not None:
        brand = get_object_or_404(Brand.objects.for_workspace(request.workspace), pk=payload.brand_id)
    results = winner_store.search_winners(request.workspace, payload.query_text, payload.limit, brand=brand)
    return {"success": True, "query_text": payload.query_text, "results": results}


@router.get("/feedback-loop/experiments/{experiment_id}", response=ExperimentResponse)
def experiment_verdict(request, experiment_id: UUID):
    """An experiment's verdict now (winner, no meaningful difference, or still running), its
    variants with n and intervals, and for a running experiment the recommended traffic split."""
    experiment = get_object_or_404(
        Experiment.objects.for_workspace(request.workspace).select_related("brand"), pk=experiment_id
    )
    return {"success": True, "experiment": winner_job.experiment_report(experiment)}


@router.get("/feedback-loop/winners/brand/{brand_id}", response=WinnerSearchResponse)
def brand_winners(request, brand_id: UUID):
    brand = get_object_or_404(Brand.objects.for_workspace(request.workspace), pk=brand_id)
    results = winner_store.brand_winners(request.workspace, brand)
    return {"success": True, "query_text": f"brand:{brand.id}", "results": results}


@router.get("/feedback-loop/stats", response=FeedbackStatsResponse)
def feedback_stats(request):
    return {
        "success": True,
        "message": "Feedback stats retrieved",
        "stats": winner_store.winner_stats(request.workspace),
    }


@router.post("/feedback-loop/analysis/performance", response=PerformanceAnalysisResponse)
def analyse_performance(request, payload: PerformanceAnalysisRequest):
    brand = get_object_or_404(Brand.objects.for_workspace(request.workspace), pk=payload.brand_id)
    analysis = performance.performance_analysis(request.workspace, brand, payload.days)
    return {"success": True, "brand_id": str(brand.id), "analysis": analysis}
