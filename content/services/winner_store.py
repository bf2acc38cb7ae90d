"""The store of winning copy: embedding, the per-workspace index, similarity search, stats."""

from __future__ import annotations

import logging
from decimal import Decimal

import numpy as np
from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from content import tasks
from content.embeddings import (
    IndexCache,
    QueryVectors,
    SemanticBackend,
    VectorIndex,
    from_bytes,
    get_backend,
    to_bytes,
)
from content.models import Brand, WinningCopy
from core.stats import wilson_interval

logger = logging.getLogger(__name__)
_indexes = IndexCache()
query_vectors = QueryVectors()
MAX_LIMIT = 100
MAX_QUERY = 5000


def current_backend():
    """The configured backend; lexical when the semantic extras are not installed here."""
    name = settings.CONTENT_EMBEDDING_BACKEND
    if name == SemanticBackend.name and not SemanticBackend.available():
        logger.warning("CONTENT_EMBEDDING_BACKEND=semantic but its packages are missing; using lexical")
        name = "lexical"
    if name == SemanticBackend.name:
        return get_backend(name, threads=settings.CONTENT_EMBEDDING_THREADS)
    return get_backend(name)


def store_winner(*, experiment, post, figures, metric, ctr_interval, decided_on) -> WinningCopy:
    """Keep (or refresh) the winning post's copy; earlier winners of the experiment step down."""
    backend = current_backend()
    existing = WinningCopy.objects.filter(experiment=experiment, post=post).first()
    needs_vector = (
        existing is None
        or existing.text != post.text
        or existing.embedding_backend != backend.name
        or existing.embedding_dimension != backend.dimension
    )
    values = {
        "workspace": experiment.workspace,
        "brand": experiment.brand,
        "variant": post.variant,
        "text": post.text,
        "metric": metric,
        "prob_best": round(float(figures.prob_best), 6),
        "impressions": figures.impressions,
        "clicks": figures.clicks,
        "conversions": figures.conversions,
        "revenue": Decimal(str(round(figures.revenue, 2))),
        "ctr_low": round(ctr_interval[0], 6),
        "ctr_high": round(ctr_interval[1], 6),
        "is_current": True,
    }
    if needs_vector:
        values.update(
            embedding=to_bytes(backend.embed([post.text])[0]),
            embedding_backend=backend.name,
            embedding_dimension=backend.dimension,
        )
    if existing is None:
        values["decided_on"] = decided_on
        winner = WinningCopy.objects.create(experiment=experiment, post=post, **values)
    else:
        changed = [k for k, v in values.items() if getattr(existing, k) != v and k != "workspace"]
        for key in changed:
            setattr(existing, key, values[key])
        if changed:  # an unchanged winner is left alone: running the job twice changes nothing
            existing.decided_on = decided_on
            existing.save()
        winner = existing
    # updated_at moves so every process's search index notices the change
    WinningCopy.objects.filter(experiment=experiment, is_current=True).exclude(pk=winner.pk).update(
        is_current=False, updated_at=timezone.now()
    )
    return winner


def _index_for(workspace, backend) -> VectorIndex:
    winners = WinningCopy.objects.for_workspace(workspace).filter(
        is_current=True, embedding_backend=backend.name, embedding_dimension=backend.dimension
    )
    # every change to a winner moves its updated_at, so the latest one says whether the index is stale
    # (an index-only lookup, cheap at 100,000 winners); deleted rows are skipped when results are read
    version = (
        WinningCopy.objects.filter(workspace=workspace)
        .order_by("-updated_at")
        .values_list("updated_at", flat=True)
        .first()
    )

    def build():
        rows = list(winners.values_list("id", "brand_id", "embedding"))
        matrix = (
            np.vstack([from_bytes(bytes(r[2]), backend.dimension) for r in rows])
            if rows
            else np.zeros((0, backend.dimension), dtype=np.float32)
        )
        return VectorIndex([r[0] for r in rows], matrix, groups=[r[1] for r in rows])

    return _indexes.get((workspace.id, backend.name), version, build)


def winner_result(winner: WinningCopy, score: float) -> dict:
    return {
        "key": f"brand:{winner.brand_id}:winner:{winner.post_id}",
        "similarity_score": round(float(score), 4),
        "content": winner.text,
        "metadata": {
            "brand_id": str(winner.brand_id),
            "brand": winner.brand.name,
            "post_id": winner.post.external_id,
            "experiment": winner.experiment.name,
            "variant": winner.variant,
            "platform": winner.post.platform,
            "metric": winner.metric,
            "prob_best": winner.prob_best,
            "impressions": winner.impressions,
            "clicks": winner.clicks,
            "conversions": winner.conversions,
            "revenue": float(winner.revenue),
            "ctr": winner.ctr,
            "ctr_interval": [winner.ctr_low, winner.ctr_high],
            "conversion_rate": winner.conversion_rate,
            "conversion_rate_interval": list(wilson_interval(winner.conversions, winner.clicks)),
            "decided_on": winner.decided_on.isoformat(),
            "created_at": winner.created_at.isoformat(),
        },
    }


def search_winners(workspace, query_text: str, limit: int = 10, brand=None) -> list[dict]:
    """Winning copy most similar to the text (exact cosine), each with its metrics."""
    query_text = (query_text or "").strip()[:MAX_QUERY]
    limit = max(1, min(int(limit), MAX_LIMIT))
    if not query_text:
        return []
    backend = current_backend()
    index = _index_for(workspace, backend)
    hits = index.search(query_vectors.embed(backend, query_text), k=limit, group=brand.id if brand else None)
    hits = [h for h in hits if h.score > 0]
    found = WinningCopy.objects.select_related("brand", "post", "experiment").in_bulk([h.key for h in hits])
    return [winner_result(found[h.key], h.score) for h in hits if h.key in found]


def brand_winners(workspace, brand) -> list[dict]:
    winners = (
        WinningCopy.objects.for_workspace(workspace)
        .filter(brand=brand, is_current=True)
        .select_related("brand", "post", "experiment")
    )
    return [winner_result(w, 1.0) for w in winners]


def winner_stats(workspace) -> dict:
    winners = WinningCopy.objects.for_workspace(workspace).filter(is_current=True)
    counts = dict(winners.values_list("brand__name").annotate(n=Count("id")).order_by("brand__name"))
    backend = current_backend()
    awaiting = winners.exclude(embedding_backend=backend.name, embedding_dimension=backend.dimension).count()
    if awaiting:  # the backend setting changed: bring the stored vectors over in the worker
        queue_reembedding_if_needed(workspace)
    return {
        "total_items": sum(counts.values()),
        "brands_with_winners": len(counts),
        "brand_counts": counts,
        "brands": Brand.objects.for_workspace(workspace).count(),
        "embedding_backend": backend.name,
        "embedding_dimension": backend.dimension,
        "awaiting_reembedding": awaiting,
    }


def reembed_winners(workspace, batch: int = 256) -> int:
    """Re-embed every winner stored with another backend than the configured one."""
    backend = current_backend()
    stale = WinningCopy.objects.for_workspace(workspace).exclude(
        embedding_backend=backend.name, embedding_dimension=backend.dimension
    )
    done = 0
    while True:
        chunk = list(stale.order_by("id")[:batch])
        if not chunk:
            return done
        vectors = backend.embed([w.text for w in chunk])
        for winner, vector in zip(chunk, vectors, strict=True):
            winner.embedding = to_bytes(vector)
            winner.embedding_backend = backend.name
            winner.embedding_dimension = backend.dimension
            winner.updated_at = timezone.now()
        WinningCopy.objects.bulk_update(
            chunk, ["embedding", "embedding_backend", "embedding_dimension", "updated_at"]
        )
        done += len(chunk)


def queue_reembedding_if_needed(workspace) -> bool:
    backend = current_backend()
    stale = WinningCopy.objects.for_workspace(workspace).exclude(
        embedding_backend=backend.name, embedding_dimension=backend.dimension
    )
    if not stale.exists():
        return False
    tasks.reembed_winners.delay_on_commit(str(workspace.id))
    return True
