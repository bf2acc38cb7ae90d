"""The matching analytics page: conversion, chosen rank, satisfaction and the learned weights."""

from django.shortcuts import render

from matching.charts import analytics_charts
from matching.performance import matching_analytics
from workspaces.access import workspace_view


@workspace_view
def analytics_page(request):
    try:
        days = max(1, min(int(request.GET.get("days", 90)), 3650))
    except ValueError:
        days = 90
    figures = matching_analytics(request.workspace, days=days)
    context = {"figures": figures, "days": days, "charts": analytics_charts(figures)}
    return render(request, "matching/analytics.html", context)
