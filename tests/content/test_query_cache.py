"""Repeated search queries reuse their vector and hits; results stay exactly the same (pure)."""

import numpy as np

from content.embeddings import LexicalBackend, QueryVectors, VectorIndex


class CountingBackend(LexicalBackend):
    def __init__(self, name="lexical"):
        super().__init__()
        self.name = name
        self.calls = 0

    def embed(self, texts):
        self.calls += 1
        return super().embed(texts)


def test_a_repeated_query_runs_the_model_once_and_gives_the_same_vector():
    backend, cache = CountingBackend(), QueryVectors()
    first = cache.embed(backend, "Spring sale: 30% off")
    again = cache.embed(backend, "  Spring   sale:\n30% off ")
    assert backend.calls == 1 and cache.hits == 1
    assert np.array_equal(first, again)
    assert np.array_equal(first, backend.embed(["Spring sale: 30% off"])[0])


def test_cached_vectors_are_per_backend_and_the_oldest_goes_first():
    lexical, other, cache = CountingBackend(), CountingBackend("other"), QueryVectors(size=2)
    cache.embed(lexical, "a b")
    cache.embed(other, "a b")
    assert (lexical.calls, other.calls) == (1, 1)
    cache.embed(lexical, "c d")  # evicts the oldest: lexical "a b"
    cache.embed(lexical, "a b")
    assert lexical.calls == 3


def test_cached_vectors_cannot_be_changed_by_a_caller():
    vector = QueryVectors().embed(LexicalBackend(), "free shipping")
    assert not vector.flags.writeable


def test_repeated_search_gives_the_same_hits_as_the_first():
    rng = np.random.default_rng(3)
    index = VectorIndex(list(range(1000)), rng.normal(size=(1000, 16)), groups=[i % 3 for i in range(1000)])
    query = rng.normal(size=16)
    first = index.search(query, k=5)
    assert index.search(query.copy(), k=5) == first
    assert index.search(query, k=5, group=1) != first
    assert index.search(query, k=5, group=1) == index.search(query, k=5, group=1)
    scores = index.matrix @ (query / np.linalg.norm(query))
    assert [h.key for h in first] == list(np.argsort(-scores)[:5])
