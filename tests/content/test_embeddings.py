"""Embedding backends and the exact similarity index."""

import numpy as np
import pytest

from content.embeddings import (
    IndexCache,
    LexicalBackend,
    SemanticBackend,
    VectorIndex,
    from_bytes,
    get_backend,
    to_bytes,
)

COPY = [
    "Summer sale: 30% off all running shoes this weekend only",
    "Free shipping on every order of organic coffee beans",
    "Learn Spanish in 10 minutes a day with our app",
    "Running shoes built for marathon training, now on sale",
]


def test_lexical_vectors_are_unit_float32_with_declared_dimension():
    backend = LexicalBackend()
    vectors = backend.embed(COPY)
    assert vectors.dtype == np.float32
    assert vectors.shape == (4, backend.dimension)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_lexical_similar_copy_scores_higher_than_unrelated_copy():
    backend = get_backend("lexical")
    query = backend.embed(["running shoes sale"])[0]
    vectors = backend.embed(COPY)
    scores = vectors @ query
    assert scores[0] > scores[1] and scores[3] > scores[2]


def test_lexical_embedding_is_stable_across_instances():
    assert np.array_equal(LexicalBackend().embed(COPY), LexicalBackend().embed(COPY))


def test_empty_text_gives_zero_vector():
    vector = LexicalBackend().embed([""])[0]
    assert not vector.any()


def test_unknown_backend_is_rejected():
    with pytest.raises(ValueError, match="unknown embedding backend"):
        get_backend("word2vec")


def test_vector_bytes_round_trip_and_dimension_is_checked():
    vector = LexicalBackend().embed(COPY[:1])[0]
    assert np.array_equal(from_bytes(to_bytes(vector), vector.size), vector)
    with pytest.raises(ValueError):
        from_bytes(to_bytes(vector), vector.size + 1)


def test_index_returns_exact_top_k_in_order():
    rng = np.random.default_rng(0)
    matrix = rng.normal(size=(500, 32))
    index = VectorIndex(list(range(500)), matrix)
    query = rng.normal(size=32)
    hits = index.search(query, k=5)
    unit = matrix / np.linalg.norm(matrix, axis=1, keepdims=True)
    expected = np.argsort(-(unit @ (query / np.linalg.norm(query))))[:5]
    assert [h.key for h in hits] == list(expected)
    assert hits[0].score >= hits[-1].score


def test_index_filters_by_group_and_handles_small_or_empty_sets():
    backend = LexicalBackend()
    index = VectorIndex(["a", "b", "c", "d"], backend.embed(COPY), groups=["x", "y", "y", "x"])
    query = backend.embed(["running shoes"])[0]
    hits = index.search(query, k=10, group="x")
    assert {h.key for h in hits} == {"a", "d"}
    assert index.search(query, k=3, group="nobody") == []
    assert VectorIndex([], np.zeros((0, backend.dimension))).search(query, k=3) == []


def test_index_rejects_query_of_other_dimension():
    index = VectorIndex(["a"], np.ones((1, 8)))
    with pytest.raises(ValueError, match="dimensions"):
        index.search(np.ones(4))


def test_index_cache_rebuilds_only_when_version_changes():
    cache = IndexCache()
    builds = []

    def build():
        builds.append(1)
        return VectorIndex(["a"], np.ones((1, 8)))

    first = cache.get(("ws", "lexical"), 1, build)
    assert cache.get(("ws", "lexical"), 1, build) is first
    cache.get(("ws", "lexical"), 2, build)
    assert len(builds) == 2


@pytest.mark.skipif(not SemanticBackend.available(), reason="semantic extras not installed")
def test_semantic_backend_places_paraphrases_close():
    backend = get_backend("semantic")
    vectors = backend.embed(
        [
            "Cheap flights to Paris",
            "Low-cost airfare to France",
            "Organic dog food recipes",
        ]
    )
    assert vectors.shape == (3, 384)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
