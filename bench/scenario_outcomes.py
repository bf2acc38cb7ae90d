"""Scenario 5: outcome capture, `PUT /api/v1/feedback/{lead_id}?outcome=...` with 8 clients over
HTTP against a bare one-INSERT view; afterwards every acknowledged outcome is checked in the database."""

from __future__ import annotations

from django.utils import timezone

from bench import bulk, lead_data
from bench.http import Server, run_load
from bench.runner import Row, Stats, at_least, within
from leads.models import Outcome

CLIENTS = 8
PER_RUN = 3000  # requests per run at most (each to a lead without an outcome yet)
SECONDS = 20  # per run at most
BASE_LEADS = 10_000  # leads already in the workspace, as in a real CRM


def run(ctx) -> list[Row]:
    runs = ctx.runs(2)
    per_run = ctx.size(PER_RUN, minimum=60)
    seconds = ctx.seconds(SECONDS, 0.2)
    workspace = ctx.workspace("bench-outcomes")
    base = ctx.size(BASE_LEADS, minimum=200)
    # After the history: the leads captured over HTTP, then as many for the reference view.
    leads = lead_data.generate(base + 2 * per_run * runs, seed=5, prefix="C")
    ids = bulk.Ids(5)
    lead_ids = lead_data.insert(workspace, leads, ids, timezone.now(), with_outcomes=False)
    # The first `base` leads get outcomes now (history); the rest are captured over HTTP.
    bulk.insert(
        Outcome,
        {"lead": lead_ids[:base], "workspace": [workspace.id] * base, "won": leads["won"][:base],
         "source": ["import"] * base, "recorded_at": [timezone.now()] * base},
        ids,
    )  # fmt: skip
    bulk.analyze()
    external = leads["external_id"]
    won = leads["won"]
    token = ctx.token(workspace)
    headers = {"Authorization": f"Bearer {token}"}

    def capture_for(offset):
        def make(i):
            k = base + offset + i
            return (
                "PUT",
                f"/api/v1/feedback/{external[k]}?outcome={'true' if won[k] else 'false'}",
                None,
                headers,
            )

        return make

    def reference_for(offset):
        def make(i):
            k = base + per_run * runs + offset + i
            outcome = "true" if won[k] else "false"
            return (
                "PUT",
                f"/bench/reference/outcome/{lead_ids[k]}?workspace={workspace.id}&outcome={outcome}",
                None,
                {},
            )

        return make

    def minimal(i):
        return "PUT", "/bench/minimal", None, headers

    loads, floors = [], []
    with Server(ctx.log_dir / "gunicorn-outcomes.log") as server:
        run_load(server.host, minimal, 50, CLIENTS)  # warm-up: workers, connections
        for run_no in range(runs):
            loads.append(run_load(server.host, capture_for(run_no * per_run), per_run, CLIENTS, seconds))
            floors.append(run_load(server.host, reference_for(run_no * per_run), per_run, CLIENTS, seconds))

    # Verification: every acknowledged outcome is in the database, with the value sent.
    acknowledged = {}
    for run_no, load in enumerate(loads):
        for i, status in load.answered.items():
            if 200 <= status < 300:
                acknowledged[leads["external_id"][base + run_no * per_run + i]] = won[
                    base + run_no * per_run + i
                ]
    stored = dict(
        Outcome.objects.for_workspace(workspace)
        .filter(lead__external_id__in=list(acknowledged))
        .values_list("lead__external_id", "won")
    )
    lost = sum(1 for key, value in acknowledged.items() if stored.get(key) != value)
    sent = sum(load.requests for load in loads)
    refused = sent - len(acknowledged)
    rps = Stats([load.throughput for load in loads])
    p99 = Stats([load.p(99) * 1000 for load in loads])
    frps = Stats([load.throughput for load in floors])
    f99 = Stats([load.p(99) * 1000 for load in floors])
    failures = [f for load in loads for f in load.failures][:1]
    note = f"{len(acknowledged):,} acknowledged, {lost} lost, {refused} refused{': ' + failures[0] if failures else ''}"
    reference_failures = [f for load in floors for f in load.failures][:1]
    if reference_failures:
        note += f"; reference failed: {reference_failures[0]}"
    size = f"{sent:,} PUTs in {runs} runs of <= {seconds:.0f} s, {CLIENTS} clients"
    reference = "bare view (one INSERT of the outcome), same gunicorn"
    target = at_least(300, ">= 300 req/s, none lost")
    if lost or refused:
        target.bound = float("inf")  # the bar has two parts; losing or refusing outcomes misses it
    return [
        Row("5 outcome capture", "PUT /api/v1/feedback/{lead_id} throughput", size, rps.median, "req/s",
            rps.spread, runs, reference, frps.median, frps.median / rps.median,
            ratio_note="fewer requests/s than reference", target=target, note=note,
            ratio_target=within(3, "within 3x of reference"),
            details={"statuses": [load.statuses for load in loads]}),
        Row("5 outcome capture", "PUT /api/v1/feedback/{lead_id} p99", size, p99.median, "ms", p99.spread,
            runs, reference, f99.median, p99.median / f99.median,
            ratio_target=within(3, "within 3x of reference")),
    ]  # fmt: skip
