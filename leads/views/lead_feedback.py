"""The leads list (kept leads of every run) and one-click feedback on a lead (htmx)."""

import uuid

from django.core.exceptions import ValidationError
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from core.csv_export import page_of
from leads.models.agents import Recipe
from leads.models.executions import Execution
from leads.models.lead_feedback import ConversionStatus, LeadFeedback
from leads.models.leads import Lead
from leads.services.lead_feedback import record_lead_feedback, team_feedback_summary
from workspaces.access import workspace_view
from workspaces.htmx import redirect_after_post

KINDS = {"all": "All leads", "kept": "Kept by recipe runs", "other": "Imported or added otherwise"}
QUALITY_CHOICES = [("0.2", "1"), ("0.4", "2"), ("0.6", "3"), ("0.8", "4"), ("1.0", "5")]


def with_feedback(request, leads):
    """Attach the user's own feedback and the team's counts to each lead; the controls' context."""
    leads = list(leads)
    mine = {row.lead_id: row for row in LeadFeedback.objects.filter(lead__in=leads, user=request.user)}
    team = team_feedback_summary(leads)
    for lead in leads:
        lead.my_feedback = mine.get(lead.id)
        lead.team_summary = team[lead.id]
    return {
        "leads": leads,
        "any_from_run": any(lead.execution_id for lead in leads),
        "any_not_from_run": any(not lead.execution_id for lead in leads),
        "statuses": ConversionStatus.choices,
        "quality_choices": QUALITY_CHOICES,
        "can_write": request.membership.can_write,
    }


@workspace_view
def index(request):
    # Kept leads by run (newest run first, best first within it), imported leads by arrival.
    leads = (
        Lead.objects.for_workspace(request.workspace)
        .select_related("execution__recipe", "execution__agent")
        .annotate(listed_at=Coalesce("execution__created_at", "created_at"))
        .order_by("-listed_at", "rank")
    )
    kind = request.GET.get("kind")
    if kind not in KINDS:
        # A sales rep opens this page to judge what the recipes found; CRM imports (no one-click
        # feedback) are one choice away. Without any run yet, everything is shown.
        has_kept = Lead.objects.for_workspace(request.workspace).filter(execution__isnull=False).exists()
        kind = "kept" if has_kept else "all"
    if kind == "kept":
        leads = leads.filter(execution__isnull=False)
    elif kind == "other":
        leads = leads.filter(execution__isnull=True)
    execution = None
    if request.GET.get("execution"):
        if _is_uuid(request.GET["execution"]):
            execution = (
                Execution.objects.for_workspace(request.workspace).filter(pk=request.GET["execution"]).first()
            )
        if execution is not None:
            leads = leads.filter(execution=execution)
    recipes = Recipe.objects.for_workspace(request.workspace).order_by("name")
    recipe_id = request.GET.get("recipe") or ""
    if _is_uuid(recipe_id):
        leads = leads.filter(execution__recipe_id=recipe_id)
    todo = request.GET.get("todo") == "1"
    if todo:
        leads = leads.filter(execution__isnull=False).exclude(feedback__user=request.user)
    page = page_of(request, leads, 25)
    context = {
        **with_feedback(request, page.object_list),
        "page_obj": page,
        "execution": execution,
        "recipes": recipes,
        "recipe_id": recipe_id,
        "todo": todo,
        "kind": kind,
        "kinds": KINDS,
        "recent_executions": Execution.objects.for_workspace(request.workspace).select_related("recipe")[:5],
    }
    return render(request, "leads/index.html", context)


def _is_uuid(value):
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


@require_POST
@workspace_view(write=True)
def lead_feedback(request, lead_id):
    lead = get_object_or_404(Lead.objects.for_workspace(request.workspace), pk=lead_id)
    values = {
        name: request.POST[name]
        for name in ("useful", "relevant", "conversion_status", "quality_score", "feedback_text")
        if name in request.POST
    }
    errors = {}
    try:
        record_lead_feedback(request.workspace, lead, values, user=request.user)
    except ValidationError as error:
        errors = error.message_dict
    if not request.htmx:
        if lead.execution_id:
            return redirect_after_post(request, "leads:execution_detail", execution_id=lead.execution_id)
        return redirect_after_post(request, "leads:index")
    context = {**with_feedback(request, [lead]), "lead": lead, "errors": errors}
    return render(request, "leads/_lead_feedback.html", context, status=400 if errors else 200)
