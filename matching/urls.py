from django.urls import path

from matching.views import analytics, imports, providers, sessions

app_name = "matching"

urlpatterns = [
    path("", sessions.index, name="index"),
    path("start/", sessions.start, name="start"),
    path("analytics/", analytics.analytics_page, name="analytics"),
    path("import/", imports.import_choices, name="import"),
    path("import/confirm/", imports.import_confirm, name="import_confirm"),
    path("import/results/<uuid:choice_import_id>/", imports.import_result, name="import_result"),
    path("import/results/<uuid:choice_import_id>/errors.csv", imports.import_errors, name="import_errors"),
    path("providers/", providers.provider_list, name="providers"),
    path("providers/add/", providers.provider_add, name="provider_add"),
    path("providers/<uuid:candidate_id>/", providers.provider_edit, name="provider_edit"),
    path("providers/<uuid:candidate_id>/save/", providers.provider_save, name="provider_save"),
    path("sessions/<uuid:session_id>/", sessions.session_detail, name="session"),
    path("sessions/<uuid:session_id>/choose/", sessions.choose, name="choose"),
    path("sessions/<uuid:session_id>/compare/", sessions.compare, name="compare"),
    path("sessions/<uuid:session_id>/viewed/", sessions.viewed, name="viewed"),
    path("recommendations/<uuid:recommendation_id>/expand/", sessions.expand, name="expand"),
    path("recommendations/<uuid:recommendation_id>/contact/", sessions.contact, name="contact"),
    path("recommendations/<uuid:recommendation_id>/rate/", sessions.rate_explanation, name="rate"),
]
