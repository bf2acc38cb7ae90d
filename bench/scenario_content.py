"""Scenario 7: metrics ingestion (the `ingest_metrics` command) against PostgreSQL COPY, and the
similarity search over stored winners against a bare NumPy matrix product over the same vectors."""

from __future__ import annotations

import csv
import datetime as dt
import io
import time

import numpy as np
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from threadpoolctl import threadpool_limits

from bench import bulk
from bench.runner import Row, Stats, below, percentile
from content.embeddings import SemanticBackend, get_backend
from content.models import Brand, DailyMetric, Experiment, Post, WinningCopy
from content.services.winner_store import _index_for, search_winners
from workspaces.models import Workspace

FULL_ROWS = 100_000
INGEST_SHARE = 0.3  # of this scenario's time share; the winner store and searches take the rest
FULL_WINNERS = 100_000
QUERIES = 60
POSTS_PER_EXPERIMENT = 2
COPY_TABLE = "bench_copy_metrics"
COPY_COLUMNS = """post_id text, brand text, platform text, variant text, experiment text, text text,
    date date, impressions bigint, clicks bigint, conversions bigint, revenue numeric(16, 2)"""

OPENERS = ["Stop guessing", "Meet", "Try", "Discover", "Finally", "Save hours with", "Grow faster with",
           "Say goodbye to spreadsheets with", "Your team deserves", "Ship more with"]  # fmt: skip
PRODUCTS = ["our CRM", "smart lead scoring", "the analytics suite", "automated outreach", "a pipeline view",
            "AI email drafts", "the forecasting tool", "instant reports", "team inboxes", "one dashboard"]  # fmt: skip
BENEFITS = ["close deals sooner", "never miss a follow-up", "know which leads convert", "cut churn",
            "book more demos", "focus on hot prospects", "see revenue at a glance", "win back lost deals",
            "double reply rates", "onboard reps in a day"]  # fmt: skip
CLOSERS = ["Start free today.", "Book a demo.", "No credit card needed.", "Join 5,000 teams.",
           "Try it for 14 days.", "See it in action.", "Limited offer.", "Get started in minutes."]  # fmt: skip


def ad_copy(rng: np.random.Generator, n: int) -> list[str]:
    picks = [rng.integers(0, len(words), n) for words in (OPENERS, PRODUCTS, BENEFITS, CLOSERS)]
    return [
        f"{OPENERS[a]} {PRODUCTS[b]} and {BENEFITS[c]}. {CLOSERS[d]} #{e}"
        for a, b, c, d, e in zip(*(p.tolist() for p in picks), rng.integers(0, 500, n).tolist(), strict=True)
    ]


def metrics_csv(n_rows: int, seed: int = 3) -> bytes:
    rng = np.random.default_rng(seed)
    days = 50
    n_posts = max(2, n_rows // days)
    texts = ad_copy(rng, n_posts)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["post_id", "brand", "platform", "variant", "experiment", "text", "date", "impressions",
                     "clicks", "conversions", "revenue"])  # fmt: skip
    start = dt.date.today() - dt.timedelta(days=days)
    row = 0
    for day in range(days):
        date = (start + dt.timedelta(days=day)).isoformat()
        for post in range(n_posts):
            if row >= n_rows:
                break
            impressions = int(rng.integers(500, 5000))
            clicks = int(rng.binomial(impressions, 0.03 + 0.01 * (post % 2)))
            conversions = int(rng.binomial(clicks, 0.1))
            writer.writerow([f"P{post:06d}", f"Brand {post % 20}", ["linkedin", "meta", "google"][post % 3],
                             "A" if post % 2 == 0 else "B", f"Experiment {post // 2}", texts[post], date,
                             impressions, clicks, conversions, f"{conversions * 49.0:.2f}"])  # fmt: skip
            row += 1
    return out.getvalue().encode()


def _copy_seconds(data: bytes) -> float:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {COPY_TABLE}")
        cursor.execute(f"CREATE TABLE {COPY_TABLE} ({COPY_COLUMNS})")
        started = time.perf_counter()
        with cursor.cursor.copy(f"COPY {COPY_TABLE} FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
            copy.write(data)
        seconds = time.perf_counter() - started
        cursor.execute(f"DROP TABLE {COPY_TABLE}")
    return seconds


def ingestion_rows(ctx) -> list[Row]:

    probe_rows = 500 if ctx.full else 100
    warm = ctx.log_dir / "metrics_probe.csv"
    warm.write_bytes(metrics_csv(probe_rows, seed=4))
    out = io.StringIO()
    began = time.perf_counter()
    call_command("ingest_metrics", str(warm), workspace="bench-metrics-probe", stdout=out, stderr=out)
    n, reduced = ctx.fit(
        ctx.size(FULL_ROWS, minimum=200), probe_rows / (time.perf_counter() - began), INGEST_SHARE * ctx.share
    )
    data = metrics_csv(n)
    path = ctx.log_dir / "metrics.csv"
    path.write_bytes(data)
    started = time.perf_counter()
    call_command("ingest_metrics", str(path), workspace="bench-metrics", stdout=out, stderr=out)
    seconds = time.perf_counter() - started
    stored = DailyMetric.objects.for_workspace(Workspace.objects.get(slug="bench-metrics")).count()
    row = Row(
        "7 content",
        "ingest_metrics command (CSV, post/day upserts)",
        f"{n:,} rows",
        n / seconds,
        "rows/s",
        runs=1,
        note=f"{seconds:.1f} s; {stored:,} rows stored; one timed run" + (f"; {reduced}" if reduced else ""),
        details={"seconds": seconds, "stored": stored},
    )
    if connection.vendor == "postgresql":
        copy = Stats([_copy_seconds(data) for _ in range(3)])
        row.reference_name = "PostgreSQL COPY into a bare table"
        row.reference = n / copy.median
        row.ratio = seconds / copy.median
        row.ratio_note = "slower than COPY"
    else:
        row.reference_name = "PostgreSQL COPY"
        row.ratio_note = "n/a on SQLite"
    if stored != n:
        row.note += f"; {n - stored} rows NOT stored"
    return [row]


def _store_winners(ctx, workspace, n, backend_name, vectors_for, seed) -> float:
    """n winning posts (one per experiment) with their vectors; returns the embedding seconds."""

    ids = bulk.Ids(seed)
    rng = np.random.default_rng(seed)
    now = timezone.now()
    brands = [Brand.objects.create(workspace=workspace, name=f"Brand {i}") for i in range(20)]
    brand_of = [brands[i % len(brands)].id for i in range(n)]
    texts = ad_copy(rng, n)
    started = time.perf_counter()
    vectors = vectors_for(texts)
    embed_seconds = time.perf_counter() - started
    experiment_ids, post_ids = ids.many(n), ids.many(n)
    ws = [workspace.id] * n
    bulk.insert(Experiment, {"id": experiment_ids, "workspace": ws, "brand": brand_of,
                             "name": [f"Experiment {i}" for i in range(n)]}, ids)  # fmt: skip
    bulk.insert(Post, {"id": post_ids, "workspace": ws, "brand": brand_of, "experiment": experiment_ids,
                       "external_id": [f"W{i:07d}" for i in range(n)], "platform": ["linkedin"] * n,
                       "variant": ["A"] * n, "text": texts}, ids)  # fmt: skip
    impressions = rng.integers(2000, 50000, n)
    clicks = rng.binomial(impressions, 0.04)
    bulk.insert(
        WinningCopy,
        {"workspace": ws, "brand": brand_of, "experiment": experiment_ids, "post": post_ids,
         "variant": ["A"] * n, "text": texts, "metric": ["ctr"] * n, "prob_best": [0.97] * n,
         "impressions": impressions.tolist(), "clicks": clicks.tolist(), "conversions": (clicks // 10).tolist(),
         "revenue": ["0"] * n, "ctr_low": [0.03] * n, "ctr_high": [0.05] * n,
         "decided_on": [now.date()] * n, "is_current": [True] * n,
         "embedding": [v.astype(np.float32).tobytes() for v in vectors],
         "embedding_backend": [backend_name] * n, "embedding_dimension": [vectors.shape[1]] * n},
        ids,
    )  # fmt: skip
    bulk.analyze()
    return embed_seconds


def search_rows(ctx) -> list[Row]:

    n = ctx.size(FULL_WINNERS, minimum=500)
    rows = []
    queries = ad_copy(np.random.default_rng(9), QUERIES if ctx.full else 15)
    for backend_name in ("lexical", "semantic"):
        if backend_name == "semantic" and ctx.preset == "tiny":
            continue  # loading the model alone takes longer than the whole smoke test should
        if backend_name == "semantic" and not SemanticBackend.available():
            rows.append(Row("7 content", "search_winners p95, semantic backend", f"{n:,} winners", None, "ms",
                            note="n/a: the optional semantic packages (requirements-semantic.txt) are not "
                            "installed here"))  # fmt: skip
            continue
        backend = get_backend(backend_name)
        workspace = ctx.workspace(f"bench-winners-{backend_name}")
        if backend_name == "lexical":
            embed_seconds = _store_winners(ctx, workspace, n, backend_name, backend.embed, seed=77)
            vector_note = f"stored vectors embedded by the backend ({embed_seconds:.0f} s)"
        else:
            # Embedding 100,000 texts with MiniLM on CPU takes many minutes; the search cost does
            # not depend on the values, so the stored vectors are random unit vectors of the model's
            # dimension and only the queries go through the model.
            rng = np.random.default_rng(8)

            def random_units(texts, rng=rng, dimension=backend.dimension):
                matrix = rng.normal(size=(len(texts), dimension)).astype(np.float32)
                return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)

            _store_winners(ctx, workspace, n, backend_name, random_units, seed=78)
            vector_note = "stored vectors random unit vectors, queries embedded by the model"
        with override_settings(CONTENT_EMBEDDING_BACKEND=backend_name):
            started = time.perf_counter()
            search_winners(workspace, queries[0], limit=10)  # builds the index
            build_seconds = time.perf_counter() - started
            latencies = []
            stop = time.perf_counter() + (0.1 * ctx.share if ctx.full else 60)
            for query in queries:
                if len(latencies) >= 10 and time.perf_counter() > stop:
                    break  # a slow backend gets fewer queries (the count is in the table)
                began = time.perf_counter()
                search_winners(workspace, query, limit=10)
                latencies.append(time.perf_counter() - began)
            # Writers search as they type: the same drafts come back (a brand filter changed, a word
            # typed and deleted); the second time the query's vector and hits are cached.
            repeated = []
            for query in queries[: len(latencies)]:
                began = time.perf_counter()
                search_winners(workspace, query, limit=10)
                repeated.append(time.perf_counter() - began)

        matrix = _index_for(workspace, backend).matrix
        query_vectors = backend.embed(queries[: len(latencies)])
        reference = []
        with threadpool_limits(1):  # one core: the floor without BLAS threads fighting for the CPU
            for vector in query_vectors:
                began = time.perf_counter()
                scores = matrix @ vector
                top = np.argpartition(-scores, 9)[:10]
                top[np.argsort(-scores[top])]
                reference.append(time.perf_counter() - began)
        p95, ref95 = percentile(latencies, 95), percentile(reference, 95)
        rows.append(
            Row("7 content", f"search_winners p95, {backend_name} backend (top 10)", f"{n:,} winners",
                p95 * 1000, "ms", None, len(latencies), "NumPy matrix product + top-k, same vectors, 1 thread (p95)",
                ref95 * 1000, p95 / ref95, target=below(50, "p95 < 50 ms"),
                note=f"median {Stats(latencies).median * 1000:.1f} ms; first search builds the index in "
                f"{build_seconds:.1f} s; {vector_note}",
                details={"latencies": latencies, "reference": reference})
        )  # fmt: skip
        rows.append(
            Row("7 content", f"search_winners p95, {backend_name} backend, a query searched again", f"{n:,} winners",
                percentile(repeated, 95) * 1000, "ms", None, len(repeated), target=below(50, "p95 < 50 ms"),
                note=f"median {Stats(repeated).median * 1000:.1f} ms; the same queries as the row above, "
                "each a second time (its vector and hits cached per process)",
                details={"latencies": repeated})
        )  # fmt: skip
    return rows


def run(ctx) -> list[Row]:
    return ingestion_rows(ctx) + search_rows(ctx)
