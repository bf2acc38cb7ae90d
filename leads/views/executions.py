"""Running a recipe from the page, and the execution page with its live status (htmx polling)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from leads.forms.agents import CsvRunForm
from leads.models.agents import Recipe
from leads.models.executions import Execution
from leads.services.executions import start_execution
from leads.services.suggestions import preference_suggestions
from leads.views.lead_feedback import with_feedback
from workspaces.access import workspace_view
from workspaces.htmx import redirect_after_post

CRITERIA_LABELS = {
    "engagement": "Engagement below the minimum",
    "industry": "Industry not preferred",
    "company_size": "Company size out of range",
    "location": "Location outside the focus",
    "seniority": "Title has no wanted seniority",
    "quality": "Quality below the threshold",
}


@require_POST
@workspace_view(write=True)
def recipe_run(request, recipe_id):
    recipe = get_object_or_404(
        Recipe.objects.for_workspace(request.workspace).select_related("agent"), pk=recipe_id
    )
    csv_content = None
    if request.FILES:
        form = CsvRunForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, "Choose a CSV file to run the recipe on.")
            return redirect_after_post(request, "leads:recipe_detail", recipe_id=recipe.id)
        csv_content = form.cleaned_data["file"].read()
    try:
        execution = start_execution(request.workspace, recipe, csv_content=csv_content, actor=request.user)
    except ValidationError as error:
        for message_list in error.message_dict.values():
            for message in message_list:
                messages.error(request, message)
        return redirect_after_post(request, "leads:recipe_detail", recipe_id=recipe.id)
    return redirect_after_post(request, "leads:execution_detail", execution_id=execution.id)


def _impact_rows(execution):
    impact = execution.filtering_impact or {}
    failed, sole = impact.get("failed", {}), impact.get("sole_cause", {})
    return [
        {"label": CRITERIA_LABELS.get(name, name), "failed": failed.get(name, 0), "sole": sole.get(name, 0)}
        for name in impact.get("criteria", [])
    ]


@workspace_view
def execution_detail(request, execution_id):
    execution = get_object_or_404(
        Execution.objects.for_workspace(request.workspace).select_related("recipe", "agent"), pk=execution_id
    )
    leads = execution.leads.order_by("rank") if execution.is_finished else []
    context = {
        **with_feedback(request, leads),
        "execution": execution,
        "impact": execution.filtering_impact or {},
        "impact_rows": _impact_rows(execution),
        "waited_seconds": (timezone.now() - (execution.started_at or execution.created_at)).total_seconds(),
    }
    if request.htmx:
        return render(request, "leads/execution_detail.html#execution-status", context)
    context["suggestions"] = preference_suggestions(request.workspace)
    return render(request, "leads/execution_detail.html", context)
