"""Placeholder leads page until the leads list exists (loop 1 replaces it)."""

from django.shortcuts import render

from workspaces.access import workspace_view


@workspace_view
def index(request):
    return render(request, "leads/index.html")
