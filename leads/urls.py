"""Pages of the leads app (add your feature's routes below)."""

from django.urls import path

from leads.views import agents, call_list, executions, imports, lead_feedback, outcomes, preferences, scoring

app_name = "leads"

urlpatterns = [
    path("", lead_feedback.index, name="index"),
    path("<uuid:lead_id>/feedback/", lead_feedback.lead_feedback, name="lead_feedback"),
    path("preferences/", preferences.preferences, name="preferences"),
    path("preferences/suggestions/apply/", preferences.suggestion_apply, name="suggestion_apply"),
    path("preferences/suggestions/dismiss/", preferences.suggestion_dismiss, name="suggestion_dismiss"),
    path("agents/", agents.agent_list, name="agents"),
    path("agents/new/", agents.agent_create, name="agent_create"),
    path("agents/<uuid:agent_id>/", agents.agent_detail, name="agent_detail"),
    path("agents/<uuid:agent_id>/edit/", agents.agent_edit, name="agent_edit"),
    path("recipes/<uuid:recipe_id>/", agents.recipe_detail, name="recipe_detail"),
    path("recipes/<uuid:recipe_id>/edit/", agents.recipe_edit, name="recipe_edit"),
    path("recipes/<uuid:recipe_id>/run/", executions.recipe_run, name="recipe_run"),
    path("executions/<uuid:execution_id>/", executions.execution_detail, name="execution_detail"),
    # loop 2: scoring, outcomes, CSV import
    path("<uuid:lead_id>/", outcomes.lead_detail, name="lead_detail"),
    path("<uuid:lead_id>/outcome/", outcomes.lead_outcome, name="lead_outcome"),
    path("<uuid:lead_id>/score/", outcomes.lead_score_now, name="lead_score_now"),
    path("scoring/", scoring.scoring_status_page, name="scoring_status"),
    path("scoring/settings/", scoring.scoring_settings_page, name="scoring_settings"),
    path("scoring/retrain/", scoring.retrain_now, name="scoring_retrain"),
    path("scoring/models/<uuid:model_id>/champion/", scoring.model_make_champion, name="model_make_champion"),
    path("call-list/", call_list.call_list_page, name="call_list"),
    path("call-list/<uuid:lead_id>/outcome/", call_list.call_list_outcome, name="call_list_outcome"),
    path("import/", imports.import_start, name="import_start"),
    path("import/confirm/", imports.import_confirm, name="import_confirm"),
    path("import/<uuid:lead_import_id>/", imports.import_detail, name="import_detail"),
    path("import/<uuid:lead_import_id>/errors.csv", imports.import_errors, name="import_errors"),
]
