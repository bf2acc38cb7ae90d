"""JSON API of the feedback loop under /api/v1/prompt-feedback/."""

import datetime as dt
from typing import Annotated, Any
from uuid import UUID

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from feedback import queries
from feedback.analysis import InsufficientData
from feedback.forms import MAX_NAME, MAX_TAG_LENGTH, MAX_TAGS, MAX_TEXT
from feedback.models import FeedbackEntry, FeedbackReport, PairwiseJudgment
from feedback.services import capture, pairwise, patterns, routing, suggestions
from feedback.services.reports import write_report
from workspaces.access import require_api_write

router = Router(tags=["feedback"])


# The wire shape, every string and list bounded (422 before any work) at EntryForm's limits;
# EntryForm then checks the values (400 naming the field), as for the page, command and import.
Tag = Annotated[str, Field(max_length=MAX_TAG_LENGTH)]


class EntryIn(Schema):
    prompt: str = Field(..., max_length=MAX_TEXT)
    output: str = Field(..., max_length=MAX_TEXT)
    rating: int
    thumbs: str | None = Field(None, max_length=10, description="up, down or none")
    thumbs_up: bool | None = Field(None, description="The seed's boolean; thumbs wins if both.")
    tags: Annotated[list[Tag], Field(max_length=MAX_TAGS)] | Annotated[str, Field(max_length=1100)] = []
    context: dict[str, Any] = {}
    framework: str | None = Field(None, max_length=MAX_NAME)
    model: str | None = Field(None, max_length=MAX_NAME)
    notes: str = Field("", max_length=MAX_TEXT)
    timestamp: str | None = Field(None, max_length=64, description="ISO time; default now.")


class BatchIn(Schema):
    entries: list[dict[str, Any]] = Field(..., max_length=capture.MAX_BATCH)


class EntryOut(Schema):
    feedback_id: str
    prompt: str
    output: str
    rating: int
    thumbs: str
    thumbs_up: bool | None
    tags: list[str]
    context: dict[str, Any]
    framework: str
    model: str
    notes: str
    timestamp: str


class BatchOut(Schema):
    created: int
    feedback_ids: list[str]


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = {}


THUMBS_NAMES = {1: "up", 0: "none", -1: "down"}


def entry_out(entry: FeedbackEntry) -> dict:
    return {
        "feedback_id": str(entry.pk),
        "prompt": entry.prompt,
        "output": entry.output,
        "rating": entry.rating,
        "thumbs": THUMBS_NAMES[entry.thumbs],
        "thumbs_up": None if entry.thumbs == 0 else entry.thumbs == 1,
        "tags": entry.tags,
        "context": entry.context,
        "framework": entry.framework,
        "model": entry.model_name,
        "notes": entry.notes,
        "timestamp": entry.created_at.isoformat(),
    }


def _entry_data(payload: dict) -> dict:
    data = dict(payload)
    if data.get("thumbs") in (None, "") and data.get("thumbs_up") is not None:
        data["thumbs"] = data["thumbs_up"]
    data.pop("thumbs_up", None)
    return data


def _insufficient(exc: InsufficientData):
    return Status(
        409,
        {
            "detail": f"Insufficient feedback data: {exc.count} entries, at least {exc.threshold} needed.",
            "errors": {"min_samples": [f"{exc.count} entries found, {exc.threshold} needed."]},
        },
    )


@router.post(
    "/prompt-feedback/entries",
    response={201: EntryOut, 400: ErrorOut, 403: ErrorOut},
    summary="Capture feedback on one generated output",
)
def create_entry(request, payload: EntryIn):
    require_api_write(request)
    entry = capture.capture_entry(request.workspace, **_entry_data(payload.dict()))
    return Status(201, entry_out(entry))


@router.post(
    "/prompt-feedback/entries/batch",
    response={201: BatchOut, 400: ErrorOut, 403: ErrorOut},
    summary="Capture up to 1000 entries at once (all or nothing)",
)
def create_entries(request, payload: BatchIn):
    require_api_write(request)
    items = [_entry_data(item) if isinstance(item, dict) else {} for item in payload.entries]
    entries = capture.capture_batch(request.workspace, items)
    return Status(201, {"created": len(entries), "feedback_ids": [str(e.pk) for e in entries]})


@router.get(
    "/prompt-feedback/entries",
    response=list[EntryOut],
    summary="Recent entries, newest first (filter by tag, framework, model)",
)
def list_entries(
    request,
    tag: str = Query("", max_length=200),
    framework: str = Query("", max_length=100),
    model: str = Query("", max_length=100),
    # Bounded in the schema: an offset of 10**30 reached the database driver and came back as a
    # 409 "retry"; out of range is the client's error, named, and retrying cannot help.
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0, le=10_000_000),
):
    entries = queries.filter_entries(
        FeedbackEntry.objects.for_workspace(request.workspace), tag=tag, framework=framework, model=model
    )
    return [entry_out(e) for e in entries[offset : offset + limit]]


@router.get("/prompt-feedback/entries/{entry_id}", response={200: EntryOut, 404: ErrorOut})
def get_entry(request, entry_id: UUID):
    entry = get_object_or_404(FeedbackEntry.objects.for_workspace(request.workspace), pk=entry_id)
    return entry_out(entry)


@router.get(
    "/prompt-feedback/analysis",
    response={200: dict[str, Any], 400: ErrorOut, 409: ErrorOut},
    summary="Pattern analysis: rates by tag, framework and model, phrases, recommendations",
)
def get_analysis(request, days: int = 7, min_samples: int | None = None):
    try:
        return patterns.analyze_workspace(request.workspace, days=days, min_samples=min_samples)
    except InsufficientData as exc:
        return _insufficient(exc)


class ReportIn(Schema):
    period: str = "weekly"
    date: dt.date | None = None


def report_out(report: FeedbackReport) -> dict:
    return {"report_id": str(report.pk), "created_at": report.created_at.isoformat(), **report.data}


@router.get("/prompt-feedback/reports", response=list[dict[str, Any]], summary="Stored reports")
def list_reports(request, period: str = "", limit: int = 20):
    reports = FeedbackReport.objects.for_workspace(request.workspace)
    if period:
        reports = reports.filter(period_type=period)
    return [report_out(r) for r in reports[: max(1, min(limit, 200))]]


@router.post(
    "/prompt-feedback/reports",
    response={201: dict[str, Any], 400: ErrorOut, 403: ErrorOut},
    summary="Write (or rewrite) the report of the period containing a date (default today)",
)
def create_report(request, payload: ReportIn):
    require_api_write(request)
    report = write_report(request.workspace, payload.period, payload.date, token=request.auth)
    return Status(201, report_out(report))


@router.get("/prompt-feedback/reports/{report_id}", response={200: dict[str, Any], 404: ErrorOut})
def get_report(request, report_id: UUID):
    report = get_object_or_404(FeedbackReport.objects.for_workspace(request.workspace), pk=report_id)
    return report_out(report)


@router.get(
    "/prompt-feedback/suggestions",
    response={200: dict[str, Any], 400: ErrorOut, 409: ErrorOut},
    summary="Prompt suggestions (AI when configured, else rule-based, with a note)",
)
def get_suggestions(request, framework: str = "", days: int = 7, limit: int = 5):
    try:
        return suggestions.suggestions_for(
            request.workspace, framework=framework or None, days=days, limit=limit
        )
    except InsufficientData as exc:
        return _insufficient(exc)


@router.get(
    "/prompt-feedback/route",
    response={200: dict[str, Any], 400: ErrorOut},
    summary="Recommend a framework and model for a task's tags (Thompson sampling)",
)
def route(request, tags: str = ""):
    return routing.recommend_route(request.workspace, tags)


# Pairwise judgments: the schema bounds the wire shape (422), PairwiseForm checks the values (400).


class JudgmentIn(Schema):
    prompt: str = Field(..., max_length=MAX_TEXT)
    left_output: str = Field(..., max_length=MAX_TEXT, description="Output A")
    right_output: str = Field(..., max_length=MAX_TEXT, description="Output B")
    verdict: str = Field(..., max_length=10, description="a (A is better), b (B is better) or tie")
    left_variant: str = Field("", max_length=MAX_NAME)
    left_framework: str = Field("", max_length=MAX_NAME)
    left_model: str = Field("", max_length=MAX_NAME)
    right_variant: str = Field("", max_length=MAX_NAME)
    right_framework: str = Field("", max_length=MAX_NAME)
    right_model: str = Field("", max_length=MAX_NAME)
    notes: str = Field("", max_length=MAX_TEXT)


class JudgmentBatchIn(Schema):
    judgments: list[dict[str, Any]] = Field(..., max_length=pairwise.MAX_BATCH)


class JudgmentOut(Schema):
    judgment_id: str
    prompt: str
    left_output: str
    right_output: str
    verdict: str
    left: dict[str, str]
    right: dict[str, str]
    notes: str
    timestamp: str


class JudgmentBatchOut(Schema):
    created: int
    judgment_ids: list[str]


def judgment_out(judgment: PairwiseJudgment) -> dict:
    return {
        "judgment_id": str(judgment.pk),
        "prompt": judgment.prompt,
        "left_output": judgment.left_output,
        "right_output": judgment.right_output,
        "verdict": judgment.verdict,
        "left": judgment.side("left"),
        "right": judgment.side("right"),
        "notes": judgment.notes,
        "timestamp": judgment.created_at.isoformat(),
    }


@router.post(
    "/prompt-feedback/pairwise",
    response={201: JudgmentOut, 400: ErrorOut, 403: ErrorOut},
    summary="Capture a pairwise judgment: which of two outputs of the same prompt is better (or a tie)",
)
def create_judgment(request, payload: JudgmentIn):
    require_api_write(request)
    judgment = pairwise.capture_judgment(request.workspace, token=request.auth, **payload.dict())
    return Status(201, judgment_out(judgment))


@router.post(
    "/prompt-feedback/pairwise/batch",
    response={201: JudgmentBatchOut, 400: ErrorOut, 403: ErrorOut},
    summary="Capture up to 1000 pairwise judgments at once (all or nothing)",
)
def create_judgments(request, payload: JudgmentBatchIn):
    require_api_write(request)
    judgments = pairwise.capture_judgments(request.workspace, payload.judgments, token=request.auth)
    return Status(201, {"created": len(judgments), "judgment_ids": [str(j.pk) for j in judgments]})


@router.get("/prompt-feedback/pairwise", response=list[JudgmentOut], summary="Recent pairwise judgments")
def list_judgments(
    request, limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0, le=10_000_000)
):
    judgments = PairwiseJudgment.objects.for_workspace(request.workspace)
    return [judgment_out(j) for j in judgments[offset : offset + limit]]


@router.get(
    "/prompt-feedback/pairwise/board",
    response={200: dict[str, Any]},
    summary="Bradley-Terry strengths of prompt variants, frameworks and models, and the pairs to judge next",
)
def get_board(request, days: int | None = Query(None, ge=1, le=3660)):
    return pairwise.board_json(pairwise.board(request.workspace, days))
