"""Prompt-improvement suggestions: rule-based from the analysis, or from Claude when configured."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from core.formatting import percent

try:
    import anthropic  # optional (requirements-ai.txt): without it the suggestions are rule-based
except ImportError:
    anthropic = None


@dataclass(frozen=True)
class AIConfig:
    api_key: str
    base_url: str | None = None
    model: str = "claude-sonnet-5"
    timeout: float = 20.0
    max_tokens: int = 1024


def rule_based_suggestions(analysis: dict, *, framework: str | None = None, limit: int = 5):
    """Suggestions drawn from the analysis figures; always available."""
    items: list[dict] = []
    overall = analysis["success_rate"]

    for row in analysis["common_positive_patterns"]:
        items.append(
            {
                "title": f'Use "{row["phrase"]}"',
                "suggestion": f'Add "{row["phrase"]}" (or its idea) to prompts where it fits.',
                "evidence": f"In {row['success_count']} successful vs {row['failure_count']} "
                f"failed prompts (z={row['z']:.1f}).",
            }
        )
    for row in analysis["common_negative_patterns"]:
        items.append(
            {
                "title": f'Rework "{row["phrase"]}"',
                "suggestion": f'Prompts with "{row["phrase"]}" fail more often: rephrase them '
                "and state the expected format and audience explicitly.",
                "evidence": f"In {row['failure_count']} failed vs {row['success_count']} "
                f"successful prompts (z={row['z']:.1f}).",
            }
        )

    frameworks = analysis["framework_performance"]
    if framework:
        stats = frameworks.get(framework)
        if stats:
            weak_tags = [
                (tag, s)
                for tag, s in analysis["framework_tag_performance"].get(framework, {}).items()
                if s["success_rate"] < overall
            ]
            for tag, s in weak_tags:
                items.insert(
                    0,
                    {
                        "title": f"{framework} on '{tag}'",
                        "suggestion": f"{framework} underperforms on '{tag}' tasks: try another "
                        "framework there or add examples of a good output.",
                        "evidence": f"{percent(s['success_rate'])} success (n={s['n']}) against "
                        f"{percent(overall)} overall.",
                    },
                )
        else:
            items.insert(
                0,
                {
                    "title": f"Rate more {framework} outputs",
                    "suggestion": f"Too few rated outputs use {framework} to judge it.",
                    "evidence": f"Fewer than {analysis['min_samples']} ratings in the period.",
                },
            )
    elif len(frameworks) >= 2:
        names = list(frameworks)
        best, worst = frameworks[names[0]], frameworks[names[-1]]
        if best["interval_low"] > worst["interval_high"]:
            items.append(
                {
                    "title": f"Switch from {names[-1]} to {names[0]}",
                    "suggestion": f"Where you use {names[-1]}, try {names[0]}.",
                    "evidence": f"{percent(best['success_rate'])} (n={best['n']}) against "
                    f"{percent(worst['success_rate'])} (n={worst['n']}).",
                }
            )

    for tag, stats in analysis["tag_performance"].items():
        if stats["interval_high"] < overall:
            items.append(
                {
                    "title": f"Improve '{tag}' prompts",
                    "suggestion": f"'{tag}' outputs are rated lower than the rest: add context, "
                    "an example of a good answer, and explicit constraints.",
                    "evidence": f"{percent(stats['success_rate'])} success (n={stats['n']}) against "
                    f"{percent(overall)} overall.",
                }
            )

    if not items:
        items.append(
            {
                "title": "Collect more ratings",
                "suggestion": "No pattern is statistically clear yet; keep rating outputs and "
                "tag them with framework, model and task type.",
                "evidence": f"{analysis['total_feedback']} rated outputs, {percent(overall)} success.",
            }
        )
    for item in items:
        item["source"] = "rules"
    return items[: max(1, limit)]


def _prompt_for(analysis: dict, framework: str | None, limit: int, examples: list[dict]) -> str:
    figures = {
        key: analysis[key]
        for key in (
            "total_feedback",
            "success_rate",
            "avg_rating",
            "tag_performance",
            "framework_performance",
            "model_performance",
            "common_positive_patterns",
            "common_negative_patterns",
            "recommendations",
        )
    }
    focus = f" Focus on prompts that use the framework '{framework}'." if framework else ""
    return (
        "You help a team improve the prompts they send to language models. Below are statistics "
        "from their rated outputs (success means a rating of 4-5 or a thumbs up) and some "
        f"low-rated prompts.{focus} Give at most {limit} concrete prompt modifications. Answer "
        'with JSON only: a list of objects with keys "title", "suggestion", "evidence" '
        "(the figures that support it).\n\n"
        f"STATISTICS:\n{json.dumps(figures, default=str)[:12000]}\n\n"
        f"LOW-RATED PROMPTS:\n{json.dumps(examples, default=str)[:6000]}"
    )


_JSON_LIST = re.compile(r"\[.*\]", re.S)


def ai_suggestions(
    analysis: dict,
    config: AIConfig,
    *,
    framework: str | None = None,
    limit: int = 5,
    examples: list[dict] | None = None,
) -> list[dict]:
    """Ask Claude through the official SDK; raises on any failure or unusable answer."""
    if anthropic is None:
        raise RuntimeError("the anthropic package is not installed (requirements-ai.txt)")
    client = anthropic.Anthropic(
        api_key=config.api_key,
        base_url=config.base_url or None,
        timeout=config.timeout,
        max_retries=0,
    )
    message = client.messages.create(
        model=config.model,
        max_tokens=config.max_tokens,
        messages=[{"role": "user", "content": _prompt_for(analysis, framework, limit, examples or [])}],
    )
    text = "".join(getattr(block, "text", "") for block in message.content)
    match = _JSON_LIST.search(text)
    if not match:
        raise ValueError("the answer held no JSON list")
    raw = json.loads(match.group(0))
    items = []
    for entry in raw:
        if isinstance(entry, dict) and str(entry.get("suggestion", "")).strip():
            items.append(
                {
                    "title": str(entry.get("title", "Suggestion"))[:200],
                    "suggestion": str(entry["suggestion"])[:2000],
                    "evidence": str(entry.get("evidence", ""))[:1000],
                    "source": "ai",
                }
            )
    if not items:
        raise ValueError("the answer held no suggestions")
    return items[: max(1, limit)]


def suggest(
    analysis: dict,
    config: AIConfig | None = None,
    *,
    framework: str | None = None,
    limit: int = 5,
    examples: list[dict] | None = None,
) -> dict:
    """AI suggestions when configured, else (or on any failure) rule-based ones with a note."""
    rules = rule_based_suggestions(analysis, framework=framework, limit=limit)
    if config is None or not config.api_key:
        return {
            "source": "rules",
            "suggestions": rules,
            "note": "No Anthropic API key is configured: suggestions are rule-based.",
        }
    try:
        items = ai_suggestions(analysis, config, framework=framework, limit=limit, examples=examples)
    except Exception as exc:  # any failure of the remote call falls back to the rules
        reason = f"{type(exc).__name__}: {str(exc)[:200]}"
        return {
            "source": "rules",
            "suggestions": rules,
            "note": f"The AI suggestion failed ({reason}); showing rule-based suggestions.",
        }
    return {"source": "ai", "suggestions": items, "note": None}
