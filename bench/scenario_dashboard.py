"""Scenario 6: the dashboard over HTTP (gunicorn) with 1,000,000 leads and feedback rows and
100,000 outcomes, against the same aggregates as one raw SQL query; and the other analytics pages."""

from __future__ import annotations

import datetime as dt
import time

import numpy as np
from django.utils import timezone

from bench import bulk, lead_data
from bench.http import Server, request
from bench.runner import Row, Stats, below, measure, percentile

FULL_LEADS = 1_000_000
FULL_OUTCOMES = 100_000
EXECUTIONS = 1000
DASHBOARD_REQUESTS = 30
DASHBOARD_SECONDS = 60
PAGE_REQUESTS = 8
PAGE_SECONDS = 12
PAGES = ["agents", "recipes", "models", "brands", "segments", "frameworks"]


def _load(ctx, workspace, user, n_leads, n_outcomes):
    from leads.models import Agent, Execution, LeadFeedback, Outcome, Recipe

    ids = bulk.Ids(66)
    now = timezone.now()
    rng = np.random.default_rng(66)
    agent = Agent.objects.create(workspace=workspace, name="Bench agent", source="demo")
    recipe = Recipe.objects.create(workspace=workspace, agent=agent, name="Bench recipe")
    n_exec = min(EXECUTIONS, max(10, n_leads // 100))
    exec_ids = ids.many(n_exec)
    exec_age = rng.integers(0, 60 * 86400, n_exec).tolist()
    per_run = n_leads // n_exec
    bulk.insert(
        Execution,
        {"id": exec_ids, "workspace": [workspace.id] * n_exec, "recipe": [recipe.id] * n_exec,
         "agent": [agent.id] * n_exec, "source": ["demo"] * n_exec, "status": ["succeeded"] * n_exec,
         "leads_generated": [per_run * 3] * n_exec, "leads_kept": [per_run] * n_exec, "progress": [100] * n_exec,
         "created_at": [now - dt.timedelta(seconds=s) for s in exec_age]},
        ids,
    )  # fmt: skip
    leads = lead_data.generate(n_leads, seed=66, prefix="D")
    lead_ids = lead_data.insert(workspace, leads, ids, now, with_outcomes=False)
    created = [now - dt.timedelta(seconds=s) for s in leads["age_seconds"]]
    useful = (rng.random(n_leads) < 0.4).tolist()
    bulk.insert(
        LeadFeedback,
        {"lead": lead_ids, "workspace": [workspace.id] * n_leads,
         "execution": [exec_ids[i % n_exec] for i in range(n_leads)], "user": [user.id] * n_leads,
         "useful": useful, "relevant": useful, "conversion_status": ["pending"] * n_leads,
         "quality_score": leads["quality_score"], "created_at": created, "updated_at": created},
        ids,
    )  # fmt: skip
    bulk.insert(
        Outcome,
        {"lead": lead_ids[:n_outcomes], "workspace": [workspace.id] * n_outcomes,
         "won": leads["won"][:n_outcomes], "source": ["import"] * n_outcomes,
         "recorded_at": created[:n_outcomes], "created_at": created[:n_outcomes]},
        ids,
    )  # fmt: skip
    bulk.analyze()


def _raw_sql(workspace):
    """The leads loop's dashboard aggregates (this and the previous 30 days, per day) in one query."""
    from django.db import connection

    from leads.models import Execution, LeadFeedback, Outcome

    day = "date({})" if connection.vendor == "sqlite" else "CAST({} AS date)"
    end = timezone.now()
    start = end - dt.timedelta(days=60)
    fb, out, ex = LeadFeedback._meta.db_table, Outcome._meta.db_table, Execution._meta.db_table
    sql = f"""
        SELECT 'feedback', {day.format("created_at")} AS d, count(*), sum(CASE WHEN useful THEN 1 ELSE 0 END)
          FROM {fb} WHERE workspace_id = %s AND useful IS NOT NULL AND created_at >= %s AND created_at < %s
         GROUP BY d
        UNION ALL
        SELECT 'outcomes', {day.format("recorded_at")} AS d, count(*), sum(CASE WHEN won THEN 1 ELSE 0 END)
          FROM {out} WHERE workspace_id = %s AND recorded_at >= %s AND recorded_at < %s GROUP BY d
        UNION ALL
        SELECT 'executions', {day.format("created_at")} AS d, sum(leads_generated), sum(leads_kept)
          FROM {ex} WHERE workspace_id = %s AND created_at >= %s AND created_at < %s GROUP BY d
    """
    from workspaces.models import Workspace

    workspace_id = Workspace._meta.pk.get_db_prep_value(workspace.id, connection)
    if connection.vendor == "sqlite":
        start, end = (connection.ops.adapt_datetimefield_value(v) for v in (start, end))
    params = [workspace_id, start, end] * 3

    def query():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    return query


def _timed_gets(host, path, headers, count, seconds):
    latencies, statuses = [], {}
    deadline = time.perf_counter() + seconds
    while len(latencies) < count and time.perf_counter() < deadline:
        started = time.perf_counter()
        status, _body = request(host, "GET", path, headers=headers)
        latencies.append(time.perf_counter() - started)
        statuses[status] = statuses.get(status, 0) + 1
    return latencies, statuses


def run(ctx) -> list[Row]:
    n_leads = ctx.size(FULL_LEADS, minimum=2000)
    n_outcomes = ctx.size(FULL_OUTCOMES, minimum=200)
    workspace = ctx.workspace("bench-dashboard")
    user = ctx.owner(workspace, "bench-dashboard")
    started = time.perf_counter()
    _load(ctx, workspace, user, n_leads, n_outcomes)
    load_seconds = time.perf_counter() - started
    headers = {"Cookie": ctx.session_cookie(user)}
    count = DASHBOARD_REQUESTS if ctx.full else 6
    seconds = DASHBOARD_SECONDS if ctx.full else 10
    with Server(ctx.log_dir / "gunicorn-dashboard.log") as server:
        for _ in range(2):  # warm-up: both workers' first render
            status, body = request(server.host, "GET", "/", headers=headers)
            if status != 200:
                raise RuntimeError(f"dashboard answered {status}: {body[:300]!r}")
        latencies, statuses = _timed_gets(server.host, "/", headers, count, seconds)
        pages = {}
        for page in PAGES:
            path = f"/analytics/{page}/"
            request(server.host, "GET", path, headers=headers)
            pages[page] = _timed_gets(server.host, path, headers, PAGE_REQUESTS if ctx.full else 3,
                                      PAGE_SECONDS if ctx.full else 5)  # fmt: skip
    raw = measure(_raw_sql(workspace), runs=max(5, len(latencies)), warmup=1)
    raw_p95 = percentile(raw.values, 95)
    p95 = percentile(latencies, 95)
    size = f"{n_leads:,} leads + {n_leads:,} feedback rows + {n_outcomes:,} outcomes"
    rows = [
        Row("6 dashboard", "GET / (dashboard) p95 over HTTP, one client", size, p95 * 1000, "ms",
            Stats(latencies).spread, len(latencies), "same lead aggregates as one raw SQL query (p95)",
            raw_p95 * 1000, p95 / raw_p95, target=below(300, "p95 < 300 ms"),
            note=f"median {Stats(latencies).median * 1000:.0f} ms; statuses {statuses}; data loaded in {load_seconds:.0f} s",
            details={"latencies": latencies, "raw_sql": raw.as_dict()}),
    ]  # fmt: skip
    worst = max(pages, key=lambda page: percentile(pages[page][0], 95))
    worst_p95 = percentile(pages[worst][0], 95)
    rows.append(
        Row("6 dashboard", "slowest other analytics page p95", size, worst_p95 * 1000, "ms", None,
            len(pages[worst][0]), target=below(500, "every page < 500 ms"),
            note=f"slowest: /analytics/{worst}/; "
            + ", ".join(f"{p} {percentile(v[0], 95) * 1000:.0f} ms" for p, v in pages.items()),
            details={p: {"latencies": v[0], "statuses": v[1]} for p, v in pages.items()})
    )  # fmt: skip
    return rows
