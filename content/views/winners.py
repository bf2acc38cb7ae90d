"""The winners pages: overview of brands and latest decisions, the winner job's runs, the policy."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST
from django_htmx.http import trigger_client_event

from content import simulation
from content.forms import WinnerPolicyForm
from content.models import MetricImport, WinnerRun
from content.selectors import brands_overview
from content.services import winner_job, winner_store
from workspaces import audit
from workspaces.access import workspace_view
from workspaces.htmx import redirect_after_post

_UNFINISHED = ("queued", "running")


@workspace_view
def index(request):
    ws = request.workspace
    context = {
        "brands": brands_overview(ws),
        "decisions": winner_job.latest_decisions(ws),
        "run": WinnerRun.objects.for_workspace(ws).first(),
        "policy": winner_job.get_policy(ws),
        "stats": winner_store.winner_stats(ws),
        "imports": MetricImport.objects.for_workspace(ws)[:5],
        "figures": simulation.stated_figures(),
    }
    part = request.GET.get("part") if request.htmx else None
    if part in ("brands", "decisions"):
        return render(request, f"content/index.html#{part}", context)
    return render(request, "content/index.html", context)


def _run_status(request, run, finished):
    response = render(request, "content/_run_status.html", {"run": run})
    if finished:
        # The brands table and the latest decisions listen for this and reload with the new counts.
        trigger_client_event(response, "runFinished")
    return response


@workspace_view(write=True)
@require_POST
def run_now(request):
    run = winner_job.queue_winner_job(request.workspace)
    if request.htmx:
        # Without a worker the job ran when the run was committed: show its result at once.
        run.refresh_from_db()
        return _run_status(request, run, finished=run.status not in _UNFINISHED)
    messages.info(request, "The winner job is queued; this page shows its progress.")
    return redirect_after_post(request, "content:run", run_id=run.id)


@workspace_view
def run_detail(request, run_id):
    run = get_object_or_404(WinnerRun.objects.for_workspace(request.workspace), pk=run_id)
    if request.htmx:
        # Only the status box of an unfinished run polls here, so a finished run has just ended.
        return _run_status(request, run, finished=run.status not in _UNFINISHED)
    decisions = run.decisions.select_related("experiment", "experiment__brand").order_by(
        "experiment__brand__name", "experiment__name"
    )
    return render(request, "content/run_detail.html", {"run": run, "decisions": decisions})


@workspace_view(write=True)
def policy(request):
    current = winner_job.get_policy(request.workspace)
    form = WinnerPolicyForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        audit.record(
            request.workspace,
            "content.policy.changed",
            "winner policy",
            actor=request.user,
            metric=saved.metric,
            threshold=saved.threshold,
            min_impressions=saved.min_impressions,
            weights=saved.weights,
            practical_lift=saved.practical_lift,
            split_floor=saved.split_floor,
            impression_budget=saved.impression_budget,
            steers_traffic=saved.steers_traffic,
        )
        messages.success(request, "Winner policy saved; the next run decides with it.")
        return redirect_after_post(request, "content:index")
    return render(request, "content/policy.html", {"form": form, "figures": simulation.stated_figures()})
