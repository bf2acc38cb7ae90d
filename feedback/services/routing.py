"""The router's answer for a workspace: which framework and model for a task's tags."""

from django.conf import settings

from feedback import queries
from feedback.forms import RouteForm, validated
from feedback.router import BanditRouter
from feedback.services.pairwise import arm_fit


def build_router(workspace, days: int | None = None) -> BanditRouter:
    """A router fed with the workspace's counts per (tags, framework, model), not its rows."""
    router = BanditRouter(pool_strength=settings.FEEDBACK_ROUTER_POOL_STRENGTH)
    for row in queries.arm_counts(workspace, days):
        arm = (row["framework"], row["model_name"])
        tags = row["tags"] if isinstance(row["tags"], list) else []
        if row["successes"]:
            router.update(tags, arm, True, weight=row["successes"])
        if row["n"] - row["successes"]:
            router.update(tags, arm, False, weight=row["n"] - row["successes"])
    # Pairwise judgments between framework-model pairs weigh in beside the ratings (none: as before).
    router.use_pairwise(arm_fit(workspace, days))
    return router


def recommend_route(workspace, tags) -> dict:
    """Framework and model for a task with these tags, by Thompson sampling on the ratings and
    the pairwise judgments' strengths."""
    tags = validated(RouteForm, {"tags": tags}).cleaned_data["tags"]
    recommendation = build_router(workspace).recommend(tags)
    if recommendation is None:
        return {
            "tags": tags,
            "recommendation": None,
            "reasoning": "No rated output or pairwise judgment names both a framework and a model "
            "yet: capture feedback with context framework and model first.",
        }
    return {"tags": tags, "recommendation": recommendation.as_dict(), "reasoning": recommendation.reasoning}
