"""Scenario 9: output feedback analysis (the `analyze` service) and the weekly report over
1,000,000 entries, against just reading the same entries into a DataFrame."""

from __future__ import annotations

import datetime as dt

import numpy as np
from django.utils import timezone

from bench import bulk
from bench.runner import Row, below, measure

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
    from feedback.models import FeedbackEntry

    rng = np.random.default_rng(99)
    task, good, bad = (rng.integers(0, len(x), n) for x in (TASKS, HINTS_GOOD, HINTS_BAD))
    use_good = rng.random(n) < 0.5
    framework = rng.integers(0, len(FRAMEWORKS), n)
    model = rng.integers(0, len(MODELS), n)
    tag_a, tag_b = rng.integers(0, len(TAGS), n), rng.integers(0, len(TAGS), n)
    quality = 2.6 + 1.0 * use_good + 0.3 * (framework == 0) + 0.2 * (model == 0) + rng.normal(0, 1, n)
    rating = np.clip(np.rint(quality), 1, 5).astype(int)
    thumbs = np.where(rating >= 4, 1, np.where(rating <= 2, -1, 0)) * (rng.random(n) < 0.6)
    seconds = rng.integers(0, 14 * 86400, n)
    prompts = [
        f"{TASKS[t]} {HINTS_GOOD[g] if u else HINTS_BAD[b]}"
        for t, g, b, u in zip(task.tolist(), good.tolist(), bad.tolist(), use_good.tolist(), strict=True)
    ]
    created = [start + dt.timedelta(seconds=s) for s in seconds.tolist()]
    bulk.insert(
        FeedbackEntry,
        {"workspace": [workspace.id] * n, "prompt": prompts, "output": ["(generated text)"] * n,
         "rating": rating.tolist(), "thumbs": thumbs.tolist(),
         "tags": [sorted({TAGS[a], TAGS[b]}) for a, b in zip(tag_a.tolist(), tag_b.tolist(), strict=True)],
         "context": [{"framework": FRAMEWORKS[f], "model": MODELS[m]} for f, m in zip(framework.tolist(), model.tolist(), strict=True)],
         "framework": [FRAMEWORKS[f] for f in framework.tolist()], "model_name": [MODELS[m] for m in model.tolist()],
         "created_at": created, "updated_at": created},
        bulk.Ids(99),
    )  # fmt: skip
    bulk.analyze()


def run(ctx) -> list[Row]:
    from feedback.services import analyze_workspace, entries_frame, invalidate_patterns, write_report

    n = ctx.size(FULL_ENTRIES, minimum=2000)
    workspace = ctx.workspace("bench-feedback")
    now = timezone.now()
    this_monday = (now - dt.timedelta(days=now.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    start = this_monday - dt.timedelta(days=14)  # the two full ISO weeks before this one
    _load(workspace, n, start)
    days = (now - start).days + 1
    runs = ctx.runs(2)
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
