"""Pattern analysis of rated outputs (pure: an entries frame in, plain dicts out): rates with
intervals, distinctive phrases, recommendations."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import false_discovery_control, norm
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

from core.formatting import percent
from core.stats import Rate

# Columns of the entries frame: prompt (str), rating (int 1-5), thumbs (+1 up, -1 down, 0 none),
# tags (list of normalised tags), framework (str, "" if unknown), model (str, "" if unknown).
ENTRY_COLUMNS = ("prompt", "rating", "thumbs", "tags", "framework", "model")

THUMBS_UP = 1
THUMBS_DOWN = -1
THUMBS_NONE = 0

Z_95 = 1.959963984540054


class InsufficientData(ValueError):
    """Raised when there are fewer entries than the analysis needs."""

    def __init__(self, count: int, threshold: int):
        self.count = count
        self.threshold = threshold
        super().__init__(
            f"insufficient feedback data: {count} entr{'y' if count == 1 else 'ies'} "
            f"found, at least {threshold} needed"
        )


# --- tags ---------------------------------------------------------------------------------

_TAG_JUNK = re.compile(r"[^\w]+|_+")
_TAG_DASHES = re.compile(r"-{2,}")


def normalise_tag(tag: str) -> str:
    """'Code Review', 'code_review' and ' code-review ' all become 'code-review'."""
    text = _TAG_JUNK.sub("-", str(tag).strip().casefold())
    return _TAG_DASHES.sub("-", text).strip("-")


def normalise_tags(tags) -> list[str]:
    """Normalise a comma-separated string or an iterable of tags; drop blanks and duplicates."""
    if tags is None:
        return []
    if isinstance(tags, str):
        tags = tags.split(",")
    seen: dict[str, None] = {}
    for tag in tags:
        norm = normalise_tag(tag)
        if norm:
            seen.setdefault(norm, None)
    return list(seen)


# --- success rule -------------------------------------------------------------------------


@dataclass(frozen=True)
class SuccessRule:
    """An entry is a success when its rating reaches ``min_rating`` or (optionally) a thumbs up."""

    min_rating: int = 4
    thumbs_up_counts: bool = True

    def describe(self) -> str:
        text = f"a rating of {self.min_rating} or more"
        return text + (" or a thumbs up" if self.thumbs_up_counts else "")


def success_mask(ratings, thumbs, rule: SuccessRule = SuccessRule()) -> np.ndarray:
    ratings = np.asarray(ratings)
    ok = ratings >= rule.min_rating
    if rule.thumbs_up_counts:
        ok = ok | (np.asarray(thumbs) == THUMBS_UP)
    return ok


# --- frames -------------------------------------------------------------------------------


def entries_frame(records) -> pd.DataFrame:
    """Build the entries frame from an iterable of dicts with the ``ENTRY_COLUMNS`` keys."""
    frame = pd.DataFrame.from_records(list(records), columns=list(ENTRY_COLUMNS))
    return _clean(frame)


def _clean(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame["prompt"] = frame["prompt"].fillna("").astype(str)
    frame["rating"] = pd.to_numeric(frame["rating"], errors="coerce").fillna(0).astype(int)
    frame["thumbs"] = pd.to_numeric(frame["thumbs"], errors="coerce").fillna(0).astype(int)
    frame["framework"] = frame["framework"].fillna("").astype(str)
    frame["model"] = frame["model"].fillna("").astype(str)
    frame["tags"] = frame["tags"].map(lambda t: t if isinstance(t, list) else normalise_tags(t))
    return frame


# --- group performance --------------------------------------------------------------------


def group_rate(successes, n) -> dict:
    """A group's rate in the analysis' JSON: n, successes, success_rate, interval_low/high."""
    rate = Rate(successes, n)
    return {
        "n": rate.n,
        "successes": rate.successes,
        "success_rate": rate.rate,
        "interval_low": rate.low,
        "interval_high": rate.high,
    }


def entry_weights(frame: pd.DataFrame) -> np.ndarray:
    """How many entries each row stands for: its ``count`` column (grouped rows) or 1."""
    if "count" in frame.columns:
        return frame["count"].to_numpy(dtype=np.int64)
    return np.ones(len(frame), dtype=np.int64)


def _summaries(keys: pd.Series, success, ratings, weights) -> pd.DataFrame:
    weights = np.asarray(weights, dtype=np.int64)
    grouped = (
        pd.DataFrame(
            {
                "key": keys.to_numpy(),
                "n": weights,
                "successes": np.asarray(success, dtype=np.int64) * weights,
                "rating_sum": np.asarray(ratings, dtype=np.int64) * weights,
            }
        )
        .groupby("key", sort=False)
        .sum()
    )
    grouped["avg_rating"] = grouped["rating_sum"] / grouped["n"]
    return grouped[["n", "successes", "avg_rating"]]


def _performance_dict(grouped: pd.DataFrame, min_samples: int) -> tuple[dict, int]:
    """Rows with at least min_samples entries, best first, and the count of hidden groups."""
    grouped = grouped[grouped.index.astype(str) != ""]
    shown = grouped[grouped["n"] >= min_samples]
    hidden = int(len(grouped) - len(shown))
    result = {}
    rows = shown.assign(rate=shown["successes"] / shown["n"]).sort_values(
        ["rate", "n"], ascending=[False, False]
    )
    for key, row in rows.iterrows():
        result[str(key)] = {
            **group_rate(row["successes"], row["n"]),
            "avg_rating": round(float(row["avg_rating"]), 3),
        }
    return result, hidden


def _tag_rows(frame: pd.DataFrame):
    """One row per (entry row, tag): the tags and the index of the row each comes from."""
    lengths = frame["tags"].map(len).to_numpy()
    tags = pd.Series([t for ts in frame["tags"] for t in ts], dtype=object)
    return tags, np.repeat(np.arange(len(frame)), lengths)


def group_performance(frame: pd.DataFrame, success: np.ndarray, by: str, min_samples: int):
    """Performance by 'tag', 'framework' or 'model' -> ({name: stats}, hidden_group_count)."""
    ratings = frame["rating"].to_numpy()
    weights = entry_weights(frame)
    if by == "tag":
        keys, rows = _tag_rows(frame)
        grouped = _summaries(keys, success[rows], ratings[rows], weights[rows])
    else:
        grouped = _summaries(frame[by], success, ratings, weights)
    return _performance_dict(grouped, min_samples)


def framework_tag_performance(frame: pd.DataFrame, success: np.ndarray, min_samples: int):
    """{framework: {tag: stats}} for framework/tag pairs with enough entries."""
    tags, rows = _tag_rows(frame)
    frameworks = pd.Series(frame["framework"].to_numpy()[rows], dtype=object)
    keys = frameworks + "\x1f" + tags
    grouped = _summaries(keys, success[rows], frame["rating"].to_numpy()[rows], entry_weights(frame)[rows])
    flat, _hidden = _performance_dict(grouped, min_samples)
    nested: dict[str, dict] = {}
    for key, stats in flat.items():
        framework, tag = key.split("\x1f", 1)
        if framework:
            nested.setdefault(framework, {})[tag] = stats
    return nested


# --- distinctive phrases ------------------------------------------------------------------


def prompt_counts(prompts: pd.Series, success: np.ndarray, weights=None) -> pd.DataFrame:
    """Successes ``s`` and failures ``f`` per distinct prompt (the index)."""
    weights = np.ones(len(prompts), dtype=np.int64) if weights is None else np.asarray(weights)
    ok = np.asarray(success, dtype=np.int64)
    return (
        pd.DataFrame({"prompt": prompts.to_numpy(), "s": ok * weights, "f": (1 - ok) * weights})
        .groupby("prompt", sort=False)[["s", "f"]]
        .sum()
    )


def distinctive_phrases(
    prompts: pd.Series,
    success: np.ndarray,
    *,
    counts: pd.DataFrame | None = None,
    limit: int = 10,
    min_count: int = 3,
    max_documents: int = 100_000,
    prior_scale: float = 0.1,
    false_discovery_rate: float = 0.1,
    seed: int = 0,
) -> dict:
    """Words and two-word phrases most distinctive of successful vs failed prompts: log-odds ratio
    with an informative Dirichlet prior, kept when they pass Benjamini-Hochberg at
    ``false_discovery_rate`` (the method: docs/feedback.md). ``counts`` (see ``prompt_counts``)
    replaces ``prompts`` and ``success`` when the counting was done elsewhere (e.g. the database).
    """
    empty = {"positive": [], "negative": [], "documents": 0, "sampled": False}
    per_prompt = counts if counts is not None else prompt_counts(prompts, success)
    if len(per_prompt) == 0:
        return empty
    sampled = len(per_prompt) > max_documents
    if sampled:
        per_prompt = per_prompt.sample(n=max_documents, random_state=seed)
    texts = per_prompt.index.to_numpy()
    vectorizer = CountVectorizer(ngram_range=(1, 2), binary=True, token_pattern=r"(?u)\b[^\W\d_][\w'-]*\b")
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError:  # no words at all
        return empty
    y_s = np.asarray(matrix.T @ per_prompt["s"].to_numpy(), dtype=float)
    y_f = np.asarray(matrix.T @ per_prompt["f"].to_numpy(), dtype=float)
    vocab = vectorizer.get_feature_names_out()
    keep = (y_s + y_f) >= min_count
    if not keep.any():
        return {**empty, "documents": int(len(texts)), "sampled": sampled}
    y_s, y_f, vocab = y_s[keep], y_f[keep], vocab[keep]

    alpha = prior_scale * (y_s + y_f)
    alpha0 = alpha.sum()
    n_s, n_f = y_s.sum(), y_f.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        log_odds_s = np.log(y_s + alpha) - np.log(n_s + alpha0 - y_s - alpha)
        log_odds_f = np.log(y_f + alpha) - np.log(n_f + alpha0 - y_f - alpha)
        delta = log_odds_s - log_odds_f
        variance = 1.0 / (y_s + alpha) + 1.0 / (y_f + alpha)
        z = delta / np.sqrt(variance)
    z = np.nan_to_num(z, nan=0.0, posinf=0.0, neginf=0.0)

    informative = np.array([not _only_stop_words(p) for p in vocab])
    significant = false_discovery_control(2 * norm.sf(np.abs(z)), method="bh") <= false_discovery_rate

    def top(order_sign: int) -> list[dict]:
        # Strongest first; on equal evidence the longer phrase says more.
        lengths = np.array([len(p.split()) for p in vocab])
        order = np.lexsort((-lengths, -order_sign * np.round(z, 6)))
        rows = []
        for i in order:
            if order_sign * z[i] <= 0:
                break
            if not (significant[i] and informative[i]):
                continue
            words = set(vocab[i].split())
            if any(
                (r["success_count"], r["failure_count"]) == (y_s[i], y_f[i])
                and words & set(r["phrase"].split())
                for r in rows
            ):  # "concrete" inside "concrete examples" with the same counts says nothing new
                continue
            rows.append(
                {
                    "phrase": str(vocab[i]),
                    "success_count": int(y_s[i]),
                    "failure_count": int(y_f[i]),
                    "log_odds": round(float(delta[i]), 4),
                    "z": round(float(z[i]), 3),
                }
            )
            if len(rows) >= limit:
                break
        return rows

    return {
        "positive": top(1),
        "negative": top(-1),
        "documents": int(len(texts)),
        "sampled": sampled,
    }


def _only_stop_words(phrase: str) -> bool:
    return all(word in ENGLISH_STOP_WORDS for word in phrase.split())


# --- recommendations ----------------------------------------------------------------------


def _clearly_different(a: dict, b: dict) -> bool:
    """Two-proportion z-test at the 5% level (pooled)."""
    n1, n2 = a["n"], b["n"]
    p = (a["successes"] + b["successes"]) / (n1 + n2)
    se = math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2)) if 0 < p < 1 else 0.0
    if se == 0:
        return False
    return abs(a["success_rate"] - b["success_rate"]) / se >= Z_95


def _clear_ends(groups: dict):
    """The first and last (name, stats) of groups ranked best first, when their rates clearly differ."""
    if len(groups) < 2:
        return None
    names = list(groups)
    first, last = (names[0], groups[names[0]]), (names[-1], groups[names[-1]])
    return (first, last) if _clearly_different(first[1], last[1]) else None


def recommendations(result: dict, max_items: int = 8) -> list[str]:
    """Plain-word recommendations drawn from the analysis figures."""
    items: list[str] = []
    overall = result["success_rate"]

    clear = _clear_ends(result["framework_performance"])
    if clear:
        (best_name, best), (worst_name, worst) = clear
        items.append(
            f"Prefer {best_name}: it succeeds {percent(best['success_rate'])} of the time "
            f"against {percent(worst['success_rate'])} for {worst_name} "
            f"(n={best['n']}, {worst['n']})."
        )

    for framework, tags in result["framework_tag_performance"].items():
        clear = _clear_ends(tags)
        if clear:
            (high_name, high), (low_name, low) = clear
            items.append(
                f"{framework} succeeds {percent(high['success_rate'])} on '{high_name}' tags but "
                f"{percent(low['success_rate'])} on '{low_name}' tags (n={high['n']}, {low['n']})."
            )

    for tag, stats in result["tag_performance"].items():
        if stats["interval_high"] < overall:
            items.append(
                f"Work on '{tag}' prompts: {percent(stats['success_rate'])} succeed "
                f"(n={stats['n']}, 95% CI {percent(stats['interval_low'])}-"
                f"{percent(stats['interval_high'])}) against {percent(overall)} overall."
            )

    for row in result["common_positive_patterns"][:3]:
        items.append(
            f'Prompts containing "{row["phrase"]}" succeed more often '
            f"({row['success_count']} successful vs {row['failure_count']} failed, "
            f"z={row['z']:.1f}): use it where it fits."
        )
    for row in result["common_negative_patterns"][:3]:
        items.append(
            f'Prompts containing "{row["phrase"]}" fail more often '
            f"({row['failure_count']} failed vs {row['success_count']} successful, "
            f"z={row['z']:.1f}): rephrase or add guidance."
        )

    if not items:
        items.append(
            f"No difference is statistically clear yet across {result['total_feedback']} "
            "rated outputs: keep rating, and tag each output with its framework and model."
        )
    return items[:max_items]


# --- the analysis -------------------------------------------------------------------------


def analyze(
    frame: pd.DataFrame,
    *,
    rule: SuccessRule = SuccessRule(),
    min_samples: int = 5,
    pattern_limit: int = 10,
    max_documents: int = 100_000,
    prompts: pd.DataFrame | None = None,
) -> dict:
    """Full pattern analysis of an entries frame, as a JSON-ready dict.

    The frame has one row per entry, or one row per group of identical entries with a
    ``count`` column; then ``prompts`` gives the success and failure counts per prompt
    (``prompt_counts``). Raises InsufficientData when there are fewer than ``min_samples``
    entries.
    """
    weights = entry_weights(frame)
    total = int(weights.sum())
    min_samples = max(1, int(min_samples))
    if total < min_samples:
        raise InsufficientData(total, min_samples)
    success = success_mask(frame["rating"].to_numpy(), frame["thumbs"].to_numpy(), rule)
    positives = int((success * weights).sum())
    overall = Rate(positives, total)
    tag_perf, tag_hidden = group_performance(frame, success, "tag", min_samples)
    fw_perf, fw_hidden = group_performance(frame, success, "framework", min_samples)
    model_perf, model_hidden = group_performance(frame, success, "model", min_samples)
    phrases = distinctive_phrases(
        frame["prompt"] if prompts is None else None,
        success,
        counts=prompts,
        limit=pattern_limit,
        min_count=max(3, min(min_samples, 10)),
        max_documents=max_documents,
    )
    result = {
        "total_feedback": total,
        "positive_count": positives,
        "negative_count": total - positives,
        "success_rate": positives / total,
        "success_interval": [overall.low, overall.high],
        "avg_rating": round(float((frame["rating"].to_numpy() * weights).sum() / total), 3),
        "success_rule": rule.describe(),
        "min_samples": min_samples,
        "tag_performance": tag_perf,
        "framework_performance": fw_perf,
        "model_performance": model_perf,
        "framework_tag_performance": framework_tag_performance(frame, success, min_samples),
        "hidden_groups": {"tag": tag_hidden, "framework": fw_hidden, "model": model_hidden},
        "common_positive_patterns": phrases["positive"],
        "common_negative_patterns": phrases["negative"],
        "pattern_documents": phrases["documents"],
        "pattern_sampled": phrases["sampled"],
    }
    result["recommendations"] = recommendations(result)
    return result
