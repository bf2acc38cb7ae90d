"""Prompt suggestions for a workspace: Claude when a key is configured, else the rules."""

from django.conf import settings

from feedback import queries
from feedback.forms import SuggestionForm, validated
from feedback.services.patterns import analyze_workspace
from feedback.suggestions import AIConfig, suggest


def ai_config() -> AIConfig | None:
    if not settings.FEEDBACK_ANTHROPIC_API_KEY:
        return None
    return AIConfig(
        api_key=settings.FEEDBACK_ANTHROPIC_API_KEY,
        base_url=settings.FEEDBACK_ANTHROPIC_BASE_URL or None,
        model=settings.FEEDBACK_ANTHROPIC_MODEL,
        timeout=settings.FEEDBACK_ANTHROPIC_TIMEOUT,
    )


def suggestions_for(workspace, framework=None, days: int = 7, limit: int = 5) -> dict:
    """Suggestions (AI when configured, else rule-based) from the last ``days`` days."""
    validated(SuggestionForm, {"framework": framework or "", "days": days, "limit": limit})
    result = analyze_workspace(workspace, days=days)
    examples = queries.low_rated_examples(workspace, days, framework)
    answer = suggest(result, ai_config(), framework=framework or None, limit=limit, examples=examples)
    answer["analysis"] = {
        "total_feedback": result["total_feedback"],
        "success_rate": result["success_rate"],
        "days": days,
    }
    return answer
