"""An experiment's page: its verdict now, its variants with intervals, the recommended split."""

from django.shortcuts import get_object_or_404, render

from content import charts, simulation
from content.models import Experiment
from content.services import winner_job
from workspaces.access import workspace_view


@workspace_view
def experiment_detail(request, experiment_id):
    experiment = get_object_or_404(
        Experiment.objects.for_workspace(request.workspace).select_related("brand"), pk=experiment_id
    )
    report = winner_job.experiment_report(experiment)
    context = {
        "experiment": experiment,
        "report": report,
        "split_chart": charts.split_chart(report["variants"]),
        "figures": simulation.stated_figures(),
    }
    return render(request, "content/experiment_detail.html", context)
