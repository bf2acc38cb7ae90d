"""The dashboard page."""

from django.shortcuts import render

from analytics.dashboard import dashboard_sections
from workspaces.access import workspace_view


@workspace_view
def dashboard(request):
    return render(
        request,
        "analytics/dashboard.html",
        {"sections": dashboard_sections(request.workspace)},
    )
