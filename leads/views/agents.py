"""Agents and recipes: list, create, edit, and their performance pages."""

from django.contrib import messages
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, render

from core.csv_export import shown
from leads.charts import conversion_chart, feedback_breakdown_chart
from leads.forms.agents import AgentForm, CsvRunForm, RecipeForm
from leads.models.agents import Agent, Recipe
from leads.models.executions import Execution
from leads.performance import performance_rates, summarize_performance
from leads.services.agents import create_agent, create_recipe
from leads.services.performance import conversion_breakdown, performance_counts
from workspaces.access import workspace_view
from workspaces.htmx import redirect_after_post


def _latest_runs(request, runs):
    """The latest 20 runs for the page (every one for its CSV download) and how many there are."""
    return {
        "executions": runs.select_related("recipe")[: shown(request, 20)],
        "executions_total": runs.count(),
    }


def _performance(workspace, **scope):
    counts = performance_counts(workspace, **scope)
    return {"summary": summarize_performance(counts), "rates": performance_rates(counts), "counts": counts}


@workspace_view
def agent_list(request):
    form = AgentForm(workspace=request.workspace)
    agents = Agent.objects.for_workspace(request.workspace).prefetch_related("recipes")
    rows = [{"agent": agent, **_performance(request.workspace, agent=agent)} for agent in agents]
    return render(request, "leads/agents.html", {"rows": rows, "form": form})


@workspace_view(write=True)
def agent_create(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = AgentForm(request.POST, workspace=request.workspace)
    if form.is_valid():
        agent = create_agent(request.workspace, form)
        messages.success(request, f"Agent {agent} created. Now give it a recipe.")
        return redirect_after_post(request, "leads:agent_detail", agent_id=agent.id)
    agents = Agent.objects.for_workspace(request.workspace)
    rows = [{"agent": agent, **_performance(request.workspace, agent=agent)} for agent in agents]
    return render(request, "leads/agents.html", {"rows": rows, "form": form}, status=400)


@workspace_view
def agent_detail(request, agent_id):
    if request.method == "POST":
        return recipe_create(request, agent_id)
    agent = get_object_or_404(Agent.objects.for_workspace(request.workspace), pk=agent_id)
    recipe_form = RecipeForm(agent=agent, initial={"input_data": {"search_query": ""}})
    return _agent_page(request, agent, recipe_form, status=200)


@workspace_view(write=True)
def recipe_create(request, agent_id):
    """The agent page's POST: a new recipe (viewers get 403, the page itself stays readable)."""
    agent = get_object_or_404(Agent.objects.for_workspace(request.workspace), pk=agent_id)
    recipe_form = RecipeForm(request.POST, agent=agent)
    if recipe_form.is_valid():
        recipe = create_recipe(request.workspace, agent, recipe_form)
        messages.success(request, f"Recipe {recipe} created.")
        return redirect_after_post(request, "leads:recipe_detail", recipe_id=recipe.id)
    return _agent_page(request, agent, recipe_form, status=400)


def _agent_page(request, agent, recipe_form, status):
    recipes = Recipe.objects.for_workspace(request.workspace).filter(agent=agent)
    recipe_rows = [{"recipe": r, **_performance(request.workspace, recipe=r)} for r in recipes]
    context = {
        "agent": agent,
        "recipes": recipe_rows,
        "chart": conversion_chart(recipe_rows),
        "recipe_form": recipe_form,
        **_latest_runs(request, Execution.objects.for_workspace(request.workspace).filter(agent=agent)),
        **_performance(request.workspace, agent=agent),
    }
    return render(request, "leads/agent_detail.html", context, status=status)


@workspace_view(write=True)
def agent_edit(request, agent_id):
    agent = get_object_or_404(Agent.objects.for_workspace(request.workspace), pk=agent_id)
    form = AgentForm(request.POST or None, instance=agent, workspace=request.workspace)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Agent {agent} saved.")
        return redirect_after_post(request, "leads:agent_detail", agent_id=agent.id)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "leads/object_form.html", {"form": form, "object": agent, "kind": "agent"}, status=status
    )


@workspace_view
def recipe_detail(request, recipe_id):
    recipe = get_object_or_404(
        Recipe.objects.for_workspace(request.workspace).select_related("agent"), pk=recipe_id
    )
    performance = _performance(request.workspace, recipe=recipe)
    breakdown = conversion_breakdown(request.workspace, recipe=recipe)
    context = {
        "recipe": recipe,
        "breakdown": breakdown,
        "chart": feedback_breakdown_chart(breakdown),
        "csv_form": CsvRunForm(),
        **_latest_runs(request, Execution.objects.for_workspace(request.workspace).filter(recipe=recipe)),
        **performance,
    }
    return render(request, "leads/recipe_detail.html", context)


@workspace_view(write=True)
def recipe_edit(request, recipe_id):
    recipe = get_object_or_404(
        Recipe.objects.for_workspace(request.workspace).select_related("agent"), pk=recipe_id
    )
    form = RecipeForm(request.POST or None, instance=recipe, agent=recipe.agent)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Recipe {recipe} saved.")
        return redirect_after_post(request, "leads:recipe_detail", recipe_id=recipe.id)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "leads/object_form.html", {"form": form, "object": recipe, "kind": "recipe"}, status=status
    )
