"""Scenario 6: the dashboard over HTTP with 1,000,000 leads and feedback rows and 100,000 outcomes,
against the same aggregates as one raw SQL query; and the other analytics pages (docs/bench.md)."""

from __future__ import annotations

import datetime as dt
import time

import numpy as np
from django.db import connection
from django.utils import timezone

from analytics.models import DailyRollup
from analytics.tasks import refresh_workspace
from bench import bulk
from bench import sql_rows as q
from bench.http import Server, request
from bench.lead_data import INDUSTRIES, LOCATIONS, SOURCES, TITLES
from bench.runner import Row, Stats, below, measure, percentile
from leads.models import Agent, Execution, Lead, LeadFeedback, Outcome, Recipe
from workspaces.models import Workspace

FULL_LEADS = 1_000_000
FULL_OUTCOMES = 100_000
EXECUTIONS = 1000
DASHBOARD_REQUESTS = 30
DASHBOARD_SECONDS = 60
PAGE_REQUESTS = 8
PAGE_SECONDS = 12
PAGES = ["agents", "recipes", "models", "brands", "segments", "frameworks"]


def _load(ctx, workspace, user, n_leads, n_outcomes):
    """Executions, leads, one feedback row per lead and outcomes, generated inside the database."""

    now = timezone.now()
    rng = np.random.default_rng(66)
    agent = Agent.objects.create(workspace=workspace, name="Bench agent", source="demo")
    recipe = Recipe.objects.create(workspace=workspace, agent=agent, name="Bench recipe")
    n_exec = min(EXECUTIONS, max(10, n_leads // 100))
    exec_ids = [q.uid_value(3, k) for k in range(n_exec)]
    exec_age = rng.integers(0, 60 * 86400, n_exec).tolist()
    per_run = n_leads // n_exec
    bulk.insert(
        Execution,
        {"id": exec_ids, "workspace": [workspace.id] * n_exec, "recipe": [recipe.id] * n_exec,
         "agent": [agent.id] * n_exec, "source": ["demo"] * n_exec, "status": ["succeeded"] * n_exec,
         "leads_generated": [per_run * 3] * n_exec, "leads_kept": [per_run] * n_exec, "progress": [100] * n_exec,
         "created_at": [now - dt.timedelta(seconds=s) for s in exec_age]},
    )  # fmt: skip
    ws = str(workspace.id) if q.postgres() else workspace.id.hex
    ws_sql = f"CAST('{ws}' AS uuid)" if q.postgres() else f"'{ws}'"
    created = q.seconds_after(now - dt.timedelta(days=60), f"{q.rand(1)} * {60 * 86400 - 1}")
    q.insert(
        Lead,
        n_leads,
        {"id": q.uid(1), "workspace": ws_sql, "created_at": created, "updated_at": created,
         "external_id": "'D' || CAST(i AS TEXT)", "name": "'Lead ' || CAST(i AS TEXT)",
         "email": "'lead' || CAST(i AS TEXT) || '@example.com'", "company": "'Company ' || CAST(i % 50000 AS TEXT)",
         "industry": q.pick(INDUSTRIES, 2), "location": q.pick(LOCATIONS, 3), "title": q.pick(TITLES, 4),
         "source": q.pick(SOURCES, 5), "company_size": f"1 + {q.randint(6, 900)}",
         "email_opens": q.randint(7, 8), "website_visits": q.randint(8, 12),
         "content_downloads": q.randint(9, 3), "days_since_contact": q.randint(10, 120),
         "engagement_score": q.rand(11), "quality_score": q.rand(12)},
    )  # fmt: skip
    exec_sql = q.uid(3, f"(i % {n_exec})")
    q.insert(
        LeadFeedback,
        n_leads,
        {"id": q.uid(2), "workspace": ws_sql, "lead": q.uid(1), "execution": exec_sql, "user": str(user.id),
         "useful": q.boolean(f"{q.rand(13)} < 0.4"), "relevant": q.boolean(f"{q.rand(14)} < 0.5"),
         "conversion_status": "'pending'", "quality_score": q.rand(12), "created_at": created, "updated_at": created},
    )  # fmt: skip
    q.insert(
        Outcome,
        n_outcomes,
        {"id": q.uid(4), "workspace": ws_sql, "lead": q.uid(1), "won": q.boolean(f"{q.rand(15)} < 0.3"),
         "source": "'import'", "recorded_at": created, "created_at": created},
    )  # fmt: skip
    bulk.analyze()


def _raw_sql(workspace):
    """The leads loop's dashboard aggregates (this and the previous 30 days, per day) in one query."""

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

    rollup_started = time.perf_counter()
    refreshed = refresh_workspace(workspace)
    rollup_seconds = time.perf_counter() - rollup_started
    if refreshed is None:
        raise RuntimeError("the rollup lease was held by someone else")

    rollup_rows = DailyRollup.objects.filter(workspace=workspace).count()
    again_started = time.perf_counter()
    refresh_workspace(workspace)  # what every later beat run costs when nothing was written
    again_seconds = time.perf_counter() - again_started
    headers = {"Cookie": ctx.session_cookie(user)}
    left = max(30.0, ctx.share - (time.perf_counter() - started))
    count = DASHBOARD_REQUESTS if ctx.full else 6
    seconds = min(DASHBOARD_SECONDS, 0.5 * left) if ctx.full else 10
    page_seconds = min(PAGE_SECONDS, 0.3 * left / len(PAGES)) if ctx.full else 5
    with Server(ctx.log_dir / "gunicorn-dashboard.log") as server:
        for _ in range(1):  # warm-up: the first render (templates, URL conf, database caches)
            status, body = request(server.host, "GET", "/", headers=headers)
            if status != 200:
                raise RuntimeError(f"dashboard answered {status}: {body[:300]!r}")
        latencies, statuses = _timed_gets(server.host, "/", headers, count, seconds)
        pages = {}
        for page in PAGES:
            path = f"/analytics/{page}/"  # no separate warm-up: the server is warm, the samples few
            pages[page] = _timed_gets(
                server.host, path, headers, PAGE_REQUESTS if ctx.full else 3, page_seconds
            )
    raw = measure(_raw_sql(workspace), runs=max(5, len(latencies)), warmup=1)
    raw_p95 = percentile(raw.values, 95)
    p95 = percentile(latencies, 95)
    size = f"{n_leads:,} leads + {n_leads:,} feedback rows + {n_outcomes:,} outcomes"
    rows = [
        Row("6 dashboard", "first rollup refresh (the beat task, all days)", size, rollup_seconds, "s", None, 1,
            note=f"{rollup_rows:,} summary rows written; a second refresh with nothing written took {again_seconds * 1000:.0f} ms"),
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
