"""Scenario 3: scoring a batch of leads (service) against the model's raw predict_proba, and
`POST /api/v1/score` over HTTP with 8 clients against a bare scoring view on the same gunicorn."""

from __future__ import annotations

import json
import time

from threadpoolctl import threadpool_limits

from bench import bulk
from bench.http import Server, load_series
from bench.runner import Row, Stats, below, measure, within
from bench.scenario_retraining import workspace_with_outcomes
from leads.models import Lead, ScoringSettings
from leads.scoring.features import prepare_frame
from leads.services.scoring.champion import serving_model
from leads.services.scoring.records import lead_frame
from leads.services.scoring.retraining import retrain
from leads.services.scoring.scores import score_leads

FULL_SIZE = 100_000
HTTP_REQUESTS = 1000  # per load run, at most
HTTP_SECONDS = 20  # per load run, at most: a slow route must still fit the 15-minute budget
CLIENTS = 8


def _scoring_workspace(ctx, n):
    workspace = ctx.shared.get("retrained_100000")
    if workspace is None:
        workspace = workspace_with_outcomes(ctx, n, "bench-scoring", seed=100_000)
        bulk.analyze()
        retrain(workspace, trigger="command")
    return workspace


def _payload(lead) -> dict:
    payload = {
        "lead_id": lead.external_id,
        "name": lead.name,
        "email": lead.email,
        "company": lead.company,
        "industry": lead.industry,
        "location": lead.location,
        "title": lead.title,
        "lead_source": lead.source,
        "company_size": lead.company_size,
        "email_opens": lead.email_opens,
        "website_visits": lead.website_visits,
        "content_downloads": lead.content_downloads,
        "days_since_contact": lead.days_since_contact,
        "engagement_score": lead.engagement_score,
        "quality_score": lead.quality_score,
        "attributes": lead.attributes,
    }
    return payload


def batch_rows(ctx, workspace, n) -> list[Row]:

    leads = list(Lead.objects.for_workspace(workspace).order_by("external_id")[:n])
    probe = min(len(leads), 2000)
    began = time.perf_counter()
    score_leads(workspace, leads[:probe])  # warm-up and probe
    rate = probe / (time.perf_counter() - began)
    budget = 0.45 * ctx.share
    size, reduced = ctx.fit(len(leads), rate, budget)
    leads = leads[:size]
    runs = 1 if ctx.full and 2 * size / rate > budget else ctx.runs(2)
    stats = measure(lambda: score_leads(workspace, leads), runs=runs, warmup=0)
    model, version, label = serving_model(workspace)
    prepared = prepare_frame(lead_frame(leads), model.spec)

    def raw():
        with threadpool_limits(1):
            return model.pipeline.predict_proba(prepared)

    reference = measure(raw, runs=runs, warmup=1)
    return [
        Row(
            "3 scoring",
            "score_leads() batch: frame, calibrated predict, score history rows",
            f"{len(leads):,} leads",
            len(leads) / stats.median,
            "leads/s",
            spread=Stats([len(leads) / s for s in stats.values]).spread,
            runs=runs,
            reference_name="raw pipeline predict_proba on prepared rows",
            reference=len(leads) / reference.median,
            ratio=stats.median / reference.median,
            ratio_note="time of raw predict",
            note=f"{stats.median:.2f} s per batch; model {label} ({model.description})"
            + (f"; {reduced}" if reduced else ""),
            details={"seconds": stats.as_dict(), "reference_seconds": reference.as_dict()},
        )
    ]


def http_rows(ctx, workspace) -> list[Row]:
    token = ctx.token(workspace)
    sample = list(Lead.objects.for_workspace(workspace).order_by("external_id")[:2000])
    bodies = [json.dumps(_payload(lead)).encode() for lead in sample]
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    champion = ScoringSettings.objects.get(workspace=workspace).champion_id or ""
    bare = [
        f"/bench/reference/score?workspace={workspace.id}&lead={lead.id}&model={champion}" for lead in sample
    ]
    total = ctx.size(HTTP_REQUESTS, minimum=40)
    runs = ctx.runs(2)

    def score(i):
        return "POST", "/api/v1/score", bodies[i % len(bodies)], headers

    def reference_score(i):
        return "POST", bare[i % len(bare)], bodies[i % len(bodies)], headers

    seconds = ctx.seconds(HTTP_SECONDS, 0.12)
    with Server(ctx.log_dir / "gunicorn-scoring.log") as server:
        scored = load_series(server.host, score, total, runs, CLIENTS, warmup=16, duration=seconds)
        floor = load_series(server.host, reference_score, total, runs, CLIENTS, warmup=16, duration=seconds)
    failed = scored.total_requests - scored.ok
    size = f"{scored.total_requests:,} requests in {runs} runs of <= {seconds:.0f} s, {CLIENTS} clients"
    note = f"{failed} of {scored.total_requests} calls failed: {scored.failures[:1]}" if failed else "all 2xx"
    if floor.total_requests != floor.ok:
        note += f"; reference: {floor.total_requests - floor.ok} failed: {floor.failures[:1]}"
    p50, p99 = scored.stat(lambda ld: ld.p(50)), scored.stat(lambda ld: ld.p(99))
    f50, f99 = floor.stat(lambda ld: ld.p(50)), floor.stat(lambda ld: ld.p(99))
    rps, frps = scored.stat(lambda ld: ld.throughput), floor.stat(lambda ld: ld.throughput)
    reference = "bare view (one-row predict_proba + one INSERT), same gunicorn"
    return [
        Row("3 scoring", "POST /api/v1/score p50", size, p50.median * 1000, "ms", p50.spread, runs,
            reference, f50.median * 1000, p50.median / f50.median, note=note),
        Row("3 scoring", "POST /api/v1/score p99", size, p99.median * 1000, "ms", p99.spread, runs,
            reference, f99.median * 1000, p99.median / f99.median, target=below(50, "p99 < 50 ms"),
            ratio_target=within(3, "within 3x of reference")),
        Row("3 scoring", "POST /api/v1/score throughput", size, rps.median, "req/s", rps.spread, runs,
            reference, frps.median, frps.median / rps.median, ratio_note="fewer requests/s than reference",
            ratio_target=within(3, "within 3x of reference")),
    ]  # fmt: skip


def run(ctx) -> list[Row]:
    n = ctx.size(FULL_SIZE, minimum=300)
    workspace = _scoring_workspace(ctx, n)
    return batch_rows(ctx, workspace, n) + http_rows(ctx, workspace)
