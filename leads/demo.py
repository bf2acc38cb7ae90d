"""Demo data of the leads app: preferences, agents and a month of runs with feedback; scored leads
with outcomes, a trained champion and a kept challenger."""

import random
from datetime import timedelta

import numpy as np
from django.utils import timezone

from leads.models import Agent, Execution, Lead, LeadFeedback, Outcome, OutcomeSource, PreferenceSet, Recipe
from leads.services.call_list import call_list, rescore_open_leads
from leads.services.execution_worker import run_execution
from leads.services.outcomes import record_outcome
from leads.services.preferences import update_preferences
from leads.services.scoring.retraining import retrain
from leads.services.scoring.scores import score_leads
from leads.services.scoring.settings import scoring_settings


def seed(workspace, user):
    seed_preferences(workspace, user)
    seed_scoring(workspace, user)


# --- preferences, agents, runs and the team's feedback ---------------------------------------

RECIPES = [
    # agent, source, recipe, query, how often the team finds its leads useful / converting
    ("Hunter", "demo", "AI startup founders", "AI startup founders", 0.7, 0.35),
    ("Hunter", "demo", "Fintech sales leaders", "VP Sales at fintech companies", 0.5, 0.2),
    ("Scout", "demo", "B2B SaaS growth heads", "Head of Growth B2B SaaS", 0.35, 0.1),
]


def seed_preferences(workspace, user):
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
    _seed_exploration_history(workspace, user, rng, now)


# The near misses of the last quarter: Healthcare leads (left out by the preferences) kept for
# exploration and judged useful far more often than the kept leads, so the preferences page has a
# suggestion with its evidence. Stored as the worker stores near misses, on older runs of a recipe.
EXPLORED_INDUSTRY = "Healthcare"
EXPLORED_PER_RUN = 3
EXPLORED_RUNS = 12


def _seed_exploration_history(workspace, user, rng, now):
    recipe = Recipe.objects.for_workspace(workspace).order_by("created_at").first()
    judged_near_misses = 0
    preferences = PreferenceSet.objects.get(workspace=workspace)
    for run in range(EXPLORED_RUNS):
        when = now - timedelta(days=90 - 5 * run, minutes=rng.randint(0, 600))
        execution = Execution.objects.create(
            workspace=workspace, recipe=recipe, agent=recipe.agent, source=recipe.agent.source,
            input_data=recipe.input_data, requested_by=user,
        )  # fmt: skip
        run_execution(execution.id)
        execution.refresh_from_db()
        impact = dict(execution.filtering_impact)
        near_misses = max(impact.get("near_misses", 0), 60)
        impact.update(near_misses=near_misses, explored=EXPLORED_PER_RUN,
                      exploration_probability=EXPLORED_PER_RUN / near_misses)  # fmt: skip
        Lead.objects.filter(execution=execution).exclude(exploration_criterion="").delete()
        took = timedelta(milliseconds=rng.randint(250, 1400))
        Execution.objects.filter(pk=execution.pk).update(
            created_at=when, started_at=when, finished_at=when + took, filtering_impact=impact,
            duration_ms=int(took.total_seconds() * 1000),
        )  # fmt: skip
        leads = list(execution.leads.all())
        for i in range(EXPLORED_PER_RUN):
            leads.append(
                Lead.objects.create(
                    workspace=workspace,
                    execution=execution,
                    rank=execution.leads_kept + i + 1,
                    name=f"{rng.choice(['Maya', 'Omar', 'Lena', 'Ravi', 'Iris'])} {rng.choice(['Okafor', 'Berg', 'Silva', 'Tan'])}",
                    title=rng.choice(preferences.seniority_levels),
                    company=f"Care{rng.randint(10, 99)} Health",
                    industry=EXPLORED_INDUSTRY,
                    company_size=rng.randint(20, 800),
                    location=rng.choice(["San Francisco, CA", "New York, NY", "Boston, MA"]),
                    engagement_score=round(rng.uniform(0.55, 0.95), 2),
                    quality_score=round(rng.uniform(0.4, 0.9), 2),
                    source=recipe.agent.name,
                    exploration_criterion="industry",
                    keep_probability=EXPLORED_PER_RUN / near_misses,
                )  # fmt: skip
            )
        for lead in leads:
            if not lead.exploration_criterion and rng.random() < 0.15:
                continue  # the team judged every near miss, most kept leads
            if lead.exploration_criterion:
                # Four in five near misses useful, whatever the runs kept: the demo's evidence is stable.
                judged_near_misses += 1
                useful = judged_near_misses % 5 != 0
            else:
                useful = rng.random() < 0.45
            LeadFeedback.objects.create(
                workspace=workspace, lead=lead, execution=execution, user=user, useful=useful,
                relevant=useful or rng.random() < 0.4,
                conversion_status="converted" if useful and rng.random() < 0.4 else "pending",
                quality_score=round(min(1.0, max(0.0, rng.gauss(0.75 if useful else 0.35, 0.15))), 2),
                lead_data={"name": lead.name, "title": lead.title, "company": lead.company},
            )  # fmt: skip


# --- scored leads with outcomes and the model registry ---------------------------------------

INDUSTRIES = ["Technology", "Healthcare", "Retail", "Finance", "Manufacturing"]
SOURCES = ["Webinar", "Referral", "Cold Call", "Email Campaign", "Organic", "Trade Show"]
CITIES = ["New York", "Austin", "San Francisco", "Chicago", "Boston"]


def _leads(workspace, n, start, rng, as_of=None):
    """n demo leads; `as_of` (one time, or one per lead): when their recency is measured, so the
    last contact and engagement are dated that many days before it."""
    as_of = as_of if as_of is not None else timezone.now()
    as_of = as_of if isinstance(as_of, list) else [as_of] * n
    visits = rng.poisson(6, n)
    opens = visits * 2 + rng.poisson(3, n)
    downloads = rng.poisson(1.5, n)
    days = rng.integers(0, 90, n)
    industry = rng.choice(INDUSTRIES, n)
    source = rng.choice(SOURCES, n)
    size = rng.choice(["1-10", "11-50", "51-200", "201-1000"], n)
    logit = (
        -1.2
        + 0.15 * (visits - 6)
        + 0.3 * (downloads - 1.5)
        - 0.02 * (days - 45)
        + np.where(source == "Referral", 1.6, 0.0)
        + np.where(source == "Cold Call", -1.2, 0.0)
        + np.where(industry == "Technology", 1.0, 0.0)
        + np.where(size == "201-1000", 0.8, 0.0)
    )
    won = rng.uniform(size=n) < 1 / (1 + np.exp(-logit))
    # Recency from its own stream, so the leads' other values stay those the demo always had.
    recency = np.random.default_rng(start + 17)
    engaged = recency.uniform(0.2, 1.0, n)  # the last engagement (an email open, a visit) after the contact
    hours = recency.integers(0, 12, n)
    leads = Lead.objects.bulk_create(
        [
            Lead(
                workspace=workspace,
                external_id=f"DEMO-{start + i:05d}",
                name=f"Demo lead {start + i}",
                industry=str(industry[i]),
                location=str(rng.choice(CITIES)),
                source=str(source[i]),
                email_opens=int(opens[i]),
                website_visits=int(visits[i]),
                content_downloads=int(downloads[i]),
                days_since_contact=int(days[i]),
                last_contact_at=as_of[i] - timedelta(days=int(days[i]), hours=int(hours[i])),
                last_engagement_at=as_of[i] - timedelta(days=int(days[i] * engaged[i])),
                attributes={"team_size": str(size[i]), "age": int(rng.integers(24, 65))},
            )
            for i in range(n)
        ]
    )
    return leads, won


def seed_scoring(workspace, user):
    """600 leads with their last contact and engagement dates: 500 with outcomes over the last
    weeks, trained into v1; 100 open leads scored nightly for three weeks (quiet ones decay), and
    today's call list with its explored rows and a few outcomes recorded from it."""
    if Lead.objects.for_workspace(workspace).filter(external_id__startswith="DEMO-").exists():
        return
    rng = np.random.default_rng(42)
    scoring_settings(workspace)
    now = timezone.now()
    closed, won = _leads(workspace, 500, 0, rng, as_of=[now - timedelta(hours=500 - i) for i in range(500)])
    Outcome.objects.bulk_create(
        [
            Outcome(
                workspace=workspace,
                lead=lead,
                won=bool(won[i]),
                source=OutcomeSource.DEMO,
                recorded_at=now - timedelta(hours=500 - i),
                recorded_by=user,
            )
            for i, lead in enumerate(closed)
        ]
    )
    score_leads(workspace, closed[:60])  # scored by the prior before any outcome
    retrain(workspace, trigger="demo")
    open_leads, _ = _leads(workspace, 100, 1000, rng)
    Lead.objects.filter(pk__in=[lead.pk for lead in open_leads]).update(created_at=now - timedelta(days=22))
    for days_ago in (21, 14, 7):  # the nightly rescoring of the last weeks: quiet leads drift down
        rescore_open_leads(
            workspace, now - timedelta(days=days_ago), lead_ids=[lead.pk for lead in open_leads]
        )
    score_leads(workspace, open_leads)
    _seed_call_list(workspace, user)


def _seed_call_list(workspace, user):
    """Today's call list, with outcomes for its first two leads placed by score and its first
    explored one (three outcomes, wherever the day's draw put the explored rows)."""
    rows = call_list(workspace).rows
    by_score = [row for row in rows if not row.entry.exploration][:2]
    explored = [row for row in rows if row.entry.exploration][:1]
    for row, won in [*zip(by_score, (True, False), strict=False), *((row, False) for row in explored)]:
        record_outcome(
            workspace, row.lead, won, source=OutcomeSource.DEMO, reason="from the call list", user=user
        )
