"""Scenario 2: CSV import of leads with outcomes (the `import_leads` command) against PostgreSQL COPY."""

from __future__ import annotations

import io
import time
from contextlib import redirect_stdout

from django.core.management import call_command
from django.db import connection

from bench import lead_data
from bench.runner import Row, Stats, at_least
from leads.models import Lead, Outcome, ScoringSettings
from workspaces.models import Workspace

FULL_SIZE = 100_000
BUDGET_SHARE = 0.75  # of this scenario's share of the time budget (the rest: probe, COPY)
COPY_TABLE = "bench_copy_leads"
COPY_COLUMNS = """lead_id text, name text, email text, company text, industry text, location text,
    company_size integer, title text, lead_source text, email_opens integer, website_visits integer,
    content_downloads integer, days_since_contact integer, engagement_score double precision,
    quality_score double precision, plan text, budget double precision, converted text"""


def _copy_seconds(data: bytes) -> float:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {COPY_TABLE}")
        cursor.execute(f"CREATE TABLE {COPY_TABLE} ({COPY_COLUMNS})")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {COPY_TABLE} FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
            copy.write(data)
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {COPY_TABLE}")
        copied = cursor.fetchone()[0]
        cursor.execute(f"DROP TABLE {COPY_TABLE}")
    if copied != data.count(b"\n") - 1:
        raise RuntimeError(f"COPY wrote {copied} rows")
    return seconds


def _import(path, slug) -> str:
    out = io.StringIO()
    with redirect_stdout(out):
        call_command(
            "import_leads", str(path), workspace=slug, id_column="lead_id",
            outcome_column="converted", positive="yes", stdout=out,
        )  # fmt: skip
    return out.getvalue()


def run(ctx) -> list[Row]:

    probe_rows = 2000 if ctx.full else 200
    warm = ctx.log_dir / "import_probe.csv"
    warm.write_bytes(lead_data.to_csv(lead_data.generate(probe_rows, seed=22, prefix="W")))
    began = time.perf_counter()
    _import(warm, "bench-import-probe")  # also the warm-up
    # Timed imports, each into a fresh workspace, plus one re-import of the same file (which must
    # change and count nothing): all of them must fit this scenario's share of the budget.
    runs = ctx.runs(3)
    n, reduced = ctx.fit(
        ctx.size(FULL_SIZE, minimum=200),
        probe_rows / (time.perf_counter() - began),
        BUDGET_SHARE * ctx.share / (runs + 1),
    )
    leads = lead_data.generate(n, seed=21)
    data = lead_data.to_csv(leads)
    path = ctx.log_dir / "import_leads.csv"
    path.write_bytes(data)

    seconds, checks = [], []
    for run_no in range(runs):
        slug = f"bench-import-{run_no}"
        started = time.perf_counter()
        output = _import(path, slug)
        seconds.append(time.perf_counter() - started)
        workspace = Workspace.objects.get(slug=slug)
        stored = (
            Lead.objects.for_workspace(workspace).count(),
            Outcome.objects.for_workspace(workspace).count(),
        )
        checks.append(stored == (n, n))
        if stored != (n, n):
            raise RuntimeError(f"import stored {stored} of {n} rows: {output.strip()}")

    # The same file again into the first workspace: nothing created, changed or counted.
    workspace = Workspace.objects.get(slug="bench-import-0")
    counted = ScoringSettings.objects.get(workspace=workspace).outcomes_since_training
    started = time.perf_counter()
    output = _import(path, "bench-import-0")
    reimport_seconds = time.perf_counter() - started
    counted_again = ScoringSettings.objects.get(workspace=workspace).outcomes_since_training
    if f"{n} unchanged, 0 outcomes recorded" not in output or counted_again != counted:
        raise RuntimeError(f"re-import changed something: {output.strip()}")

    stats = Stats(seconds)
    rate = n / stats.median
    rows_per_s = Stats([n / s for s in seconds])
    row = Row(
        "2 CSV import",
        "import_leads command (leads + outcomes)",
        f"{n:,} rows, {len(data) / 1e6:.1f} MB",
        rate,
        "rows/s",
        spread=rows_per_s.spread,
        runs=runs,
        target=at_least(5000, ">= 5,000 rows/s, within 5x of COPY") if ctx.full else None,
        note=f"{stats.median:.1f} s per import ({stats.median * 100_000 / n:.1f} s per 100,000 rows); "
        f"every row stored: {all(checks)}; re-import of the same file {reimport_seconds:.1f} s, "
        "nothing changed or counted" + (f"; {reduced}" if reduced else ""),
        details={
            "seconds": stats.as_dict(),
            "rows_per_second": rows_per_s.as_dict(),
            "reimport_seconds": reimport_seconds,
        },
    )
    if connection.vendor == "postgresql":
        copy_stats = Stats([_copy_seconds(data) for _ in range(3)])
        copy_rate = n / copy_stats.median
        row.reference_name = "PostgreSQL COPY into a bare table"
        row.reference = copy_rate
        row.ratio = copy_rate / rate
        row.ratio_note = "slower than COPY"
        row.details["copy_seconds"] = copy_stats.as_dict()
        row.note += f"; within 5x of COPY: {'yes' if row.ratio <= 5 else 'NO'}"
        if row.target is not None and row.ratio > 5:
            # The bar has two parts; the row misses it when either fails.
            row.target.bound = float("inf")
    else:
        row.reference_name = "PostgreSQL COPY"
        row.ratio_note = "n/a on SQLite"
    return [row]
