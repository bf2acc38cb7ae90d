"""The call list page: today's leads to call (a few explored at random), one-click Won / Lost (htmx)."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_POST

from leads.forms.scoring import OutcomeForm
from leads.models import OutcomeSource
from leads.services.call_list import call_list, recent_entry
from leads.services.outcomes import record_outcome
from workspaces.access import workspace_view
from workspaces.htmx import redirect_after_post


@workspace_view
def call_list_page(request):
    the_list = call_list(request.workspace)
    return render(request, "leads/call_list.html", {"call_list": the_list})


@require_POST
@workspace_view(write=True)
def call_list_outcome(request, lead_id):
    """Won or Lost for a lead on today's list; htmx swaps its row."""
    workspace = request.workspace
    entry = recent_entry(workspace, lead_id)
    if entry is None:
        raise Http404("This lead is not on today's call list.")
    form = OutcomeForm(request.POST)
    message = None
    if form.is_valid():
        _, changed = record_outcome(
            workspace, entry.lead, form.cleaned_data["won"], source=OutcomeSource.PAGE, user=request.user
        )
        message = "Recorded." if changed else "Already recorded."
        if not request.htmx:
            return redirect_after_post(request, "leads:call_list")
    the_list = call_list(workspace, entry.day, build=False)
    row = next((r for r in the_list.rows if r.lead.pk == entry.lead_id), None)
    status = 200 if form.is_valid() else 400
    context = {
        "call_list": the_list,
        "row": row,
        "message": message,
        "row_error": None if form.is_valid() else "Choose Won or Lost.",
    }
    if request.htmx:
        return render(request, "leads/call_list.html#row", context, status=status)
    return render(request, "leads/call_list.html", context, status=status)
