"""Pages of the leads app (add your feature's routes below)."""

from django.urls import path

from leads.views import agents, executions, lead_feedback, preferences

app_name = "leads"

urlpatterns = [
    path("", lead_feedback.index, name="index"),
    path("<uuid:lead_id>/feedback/", lead_feedback.lead_feedback, name="lead_feedback"),
    path("preferences/", preferences.preferences, name="preferences"),
    path("agents/", agents.agent_list, name="agents"),
    path("agents/new/", agents.agent_create, name="agent_create"),
    path("agents/<uuid:agent_id>/", agents.agent_detail, name="agent_detail"),
    path("agents/<uuid:agent_id>/edit/", agents.agent_edit, name="agent_edit"),
    path("recipes/<uuid:recipe_id>/", agents.recipe_detail, name="recipe_detail"),
    path("recipes/<uuid:recipe_id>/edit/", agents.recipe_edit, name="recipe_edit"),
    path("recipes/<uuid:recipe_id>/run/", executions.recipe_run, name="recipe_run"),
    path("executions/<uuid:execution_id>/", executions.execution_detail, name="execution_detail"),
]
