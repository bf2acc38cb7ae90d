"""Demo data for loop 1: preferences, agents and recipes, a month of runs, and the team's feedback."""

import random
from datetime import timedelta

from django.utils import timezone

from leads.models import Agent, Execution, LeadFeedback, Recipe
from leads.services.executions import run_execution
from leads.services.preferences import update_preferences

RECIPES = [
    # agent, source, recipe, query, how often the team finds its leads useful / converting
    ("Hunter", "demo", "AI startup founders", "AI startup founders", 0.7, 0.35),
    ("Hunter", "demo", "Fintech sales leaders", "VP Sales at fintech companies", 0.5, 0.2),
    ("Scout", "demo", "B2B SaaS growth heads", "Head of Growth B2B SaaS", 0.35, 0.1),
]


def seed_loop1(workspace, user):
    rng = random.Random(2026)
    update_preferences(
        workspace,
        {
            "preferred_industries": ["SaaS", "AI", "B2B", "Fintech"],
            "min_engagement_score": 0.5,
            "company_size_min": 10,
            "company_size_max": 2000,
            "geographic_focus": ["San Francisco", "New York", "Austin", "Boston", "London"],
            "seniority_levels": ["founder", "CEO", "VP Sales", "Head of Growth", "Sales Director"],
            "max_leads_per_execution": 8,
        },
        actor=user,
    )
    now = timezone.now()
    for agent_name, source, recipe_name, query, p_useful, p_convert in RECIPES:
        agent, _ = Agent.objects.get_or_create(
            workspace=workspace,
            name=agent_name,
            defaults={"source": source, "description": "Makes up plausible leads so the demo has data"},
        )
        recipe = Recipe.objects.create(
            workspace=workspace,
            agent=agent,
            name=recipe_name,
            input_data={"search_query": query},
            demo_lead_count=40,
        )
        for run in range(rng.randint(4, 6)):
            when = now - timedelta(days=rng.randint(1, 30), minutes=rng.randint(0, 600))
            execution = Execution.objects.create(
                workspace=workspace, recipe=recipe, agent=agent, source=source,
                input_data=recipe.input_data, requested_by=user,
            )  # fmt: skip
            run_execution(execution.id)
            execution.refresh_from_db()
            took = timedelta(milliseconds=rng.randint(250, 1400))
            Execution.objects.filter(pk=execution.pk).update(
                created_at=when, started_at=when, finished_at=when + took,
                duration_ms=int(took.total_seconds() * 1000),
            )  # fmt: skip
            if run == 0:
                continue  # the latest-looking run has no feedback yet: something to do in the demo
            for lead in execution.leads.all():
                if rng.random() < 0.3:
                    continue
                useful = rng.random() < p_useful
                LeadFeedback.objects.create(
                    workspace=workspace, lead=lead, execution=execution, user=user,
                    useful=useful, relevant=useful or rng.random() < 0.4,
                    conversion_status=(
                        "converted" if useful and rng.random() < p_convert / p_useful
                        else rng.choice(["pending", "interested", "not_interested"])
                    ),
                    quality_score=round(min(1.0, max(0.0, rng.gauss(0.75 if useful else 0.35, 0.15))), 2),
                    lead_data={"name": lead.name, "title": lead.title, "company": lead.company},
                )  # fmt: skip
