"""Scenario 9: output feedback analysis (the `analyze` service) and the weekly report over
1,000,000 entries, against just reading the same entries into a DataFrame."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from bench import bulk
from bench import sql_rows as q
from bench.runner import Row, below, measure
from feedback.models import FeedbackEntry
from feedback.queries import entries_frame
from feedback.services.capture import invalidate_patterns
from feedback.services.patterns import analyze_workspace
from feedback.services.reports import write_report

FULL_ENTRIES = 1_000_000
TASKS = ["Summarise this support ticket", "Write a cold email to a CFO", "Review this pull request",
         "Draft a LinkedIn post about our launch", "Explain this SQL query", "Translate the release notes",
         "Classify this customer complaint", "Generate three ad headlines"]  # fmt: skip
HINTS_GOOD = ["step by step", "with examples", "in bullet points", "for a technical audience", "cite sources"]
HINTS_BAD = ["quickly", "be creative", "make it longer", "no constraints", "in one word"]
TAGS = ["code-review", "email", "summary", "creative", "analytical", "translation", "ads", "support"]
FRAMEWORKS = ["chain-of-thought", "few-shot", "zero-shot", "react"]
MODELS = ["claude-sonnet", "claude-haiku", "gpt-4o", "llama-3"]


def _load(workspace, n, start):
    """n entries over the 14 days from ``start``, generated inside the database; prompts with a
    'good' hint succeed more often, as do one framework and one model."""

    good = f"({q.rand(1)} < 0.5)"
    hint = f"(CASE WHEN {good} THEN {q.pick(HINTS_GOOD, 2)} ELSE {q.pick(HINTS_BAD, 3)} END)"
    framework, model = q.pick(FRAMEWORKS, 4), q.pick(MODELS, 5)
    quality = (
        f"(2.6 + (CASE WHEN {good} THEN 1.0 ELSE 0 END) + (CASE WHEN {framework} = '{FRAMEWORKS[0]}' THEN 0.3 ELSE 0 END)"
        f" + (CASE WHEN {model} = '{MODELS[0]}' THEN 0.2 ELSE 0 END) + ({q.rand(6)} - 0.5) * 3)"
    )
    rating = f"(CASE WHEN {quality} < 1.5 THEN 1 WHEN {quality} < 2.5 THEN 2 WHEN {quality} < 3.5 THEN 3 WHEN {quality} < 4.5 THEN 4 ELSE 5 END)"
    thumbs = f"(CASE WHEN {q.rand(7)} < 0.4 THEN 0 WHEN {rating} >= 4 THEN 1 WHEN {rating} <= 2 THEN -1 ELSE 0 END)"
    tags = f"'[\"' || {q.pick(TAGS, 8)} || '\", \"' || {q.pick(TAGS, 9)} || '\"]'"
    context = f'\'{{"framework": "\' || {framework} || \'", "model": "\' || {model} || \'"}}\''
    created = q.seconds_after(start, f"{q.rand(10)} * {14 * 86400 - 1}")
    ws = f"CAST('{workspace.id}' AS uuid)" if q.postgres() else f"'{workspace.id.hex}'"
    q.insert(
        FeedbackEntry,
        n,
        {"id": q.uid(9), "workspace": ws, "prompt": f"{q.pick(TASKS, 11)} || ' ' || {hint}",
         "output": "'(generated text)'", "rating": rating, "thumbs": thumbs, "tags": q.json(tags),
         "context": q.json(context), "framework": framework, "model_name": model,
         "created_at": created, "updated_at": created},
    )  # fmt: skip
    bulk.analyze()


def run(ctx) -> list[Row]:
    n = ctx.size(FULL_ENTRIES, minimum=2000)
    workspace = ctx.workspace("bench-feedback")
    now = timezone.now()
    this_monday = (now - dt.timedelta(days=now.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    start = this_monday - dt.timedelta(days=14)  # the two full ISO weeks before this one
    _load(workspace, n, start)
    days = (now - start).days + 1
    runs = 1 if ctx.full else ctx.runs(2)  # one run each at 1,000,000 entries: the time budget
    results = []
    analysis = measure(lambda: results.append(analyze_workspace(workspace, days=days, min_samples=5)),
                       runs=runs, warmup=0, before=lambda: invalidate_patterns(workspace))  # fmt: skip
    reports = []
    report = measure(lambda: reports.append(write_report(workspace, "weekly", day=(start + dt.timedelta(days=7)).date())),
                     runs=runs, warmup=0)  # fmt: skip
    frame = measure(lambda: entries_frame(workspace, since=start), runs=runs, warmup=0)
    last = reports[-1]
    result = results[-1]
    patterns = len(result["common_positive_patterns"]) + len(result["common_negative_patterns"])
    sampled = (
        f", phrases from a sample of {result['pattern_documents']:,}" if result.get("pattern_sampled") else ""
    )
    return [
        Row("9 output feedback", "analyze (patterns, groups, recommendations), cache cleared", f"{n:,} entries",
            analysis.median, "s", analysis.spread, runs, "reading the same entries into a DataFrame",
            frame.median, analysis.median / frame.median, target=below(10, "< 10 s"),
            note=f"{result['total_feedback']:,} entries analysed{sampled}; {patterns} distinctive phrases", details={"seconds": analysis.as_dict(), "read": frame.as_dict()}),
        Row("9 output feedback", "weekly report (last week vs the week before)", f"{n:,} entries over 2 weeks",
            report.median, "s", report.spread, runs, "reading all entries into a DataFrame", frame.median,
            report.median / frame.median, target=below(10, "< 10 s"),
            note=f"{last.total_prompts:,} prompts in the week; success rate {last.success_rate:.1%}",
            details={"seconds": report.as_dict()}),
    ]  # fmt: skip
