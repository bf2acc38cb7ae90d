"""The lead page: its score history and factors, and one-click Won / Lost (htmx)."""

from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from leads.charts import score_history_chart
from leads.forms.scoring import OutcomeForm
from leads.models import Lead, LeadScore, Outcome, OutcomeSource
from leads.services.outcomes import record_outcome
from leads.services.scoring.scores import score_leads
from workspaces.access import workspace_view
from workspaces.htmx import redirect_after_post


def _lead_context(request, lead, **extra):
    scores = list(LeadScore.objects.for_workspace(request.workspace).filter(lead=lead).order_by("created_at"))
    return {
        "lead": lead,
        "outcome": Outcome.objects.filter(lead=lead).first(),
        "scores": list(reversed(scores)),
        "latest": scores[-1] if scores else None,
        "chart": score_history_chart(scores),
        "form": OutcomeForm(),
        **extra,
    }


@workspace_view
def lead_detail(request, lead_id):
    lead = get_object_or_404(Lead.objects.for_workspace(request.workspace), pk=lead_id)
    return render(request, "leads/lead_detail.html", _lead_context(request, lead))


@require_POST
@workspace_view(write=True)
def lead_outcome(request, lead_id):
    lead = get_object_or_404(Lead.objects.for_workspace(request.workspace), pk=lead_id)
    form = OutcomeForm(request.POST)
    message = None
    if form.is_valid():
        _, changed = record_outcome(
            request.workspace,
            lead,
            form.cleaned_data["won"],
            source=OutcomeSource.PAGE,
            reason=form.cleaned_data["reason"],
            user=request.user,
        )
        message = "Outcome recorded." if changed else "That outcome was already recorded."
        if not request.htmx:
            return redirect_after_post(request, "leads:lead_detail", lead_id=lead.id)
    context = _lead_context(request, lead, message=message)
    if not form.is_valid():
        context["form"] = form
    if request.htmx:
        return render(request, "leads/lead_detail.html#outcome", context)
    return render(request, "leads/lead_detail.html", context, status=400)


@require_POST
@workspace_view(write=True)
def lead_score_now(request, lead_id):
    lead = get_object_or_404(Lead.objects.for_workspace(request.workspace), pk=lead_id)
    score_leads(request.workspace, [lead])
    if request.htmx:
        return render(request, "leads/lead_detail.html#scores", _lead_context(request, lead))
    return redirect_after_post(request, "leads:lead_detail", lead_id=lead.id)
