from django.urls import path

from matching import import_views, provider_views, views

app_name = "matching"

urlpatterns = [
    path("", views.index, name="index"),
    path("start/", views.start, name="start"),
    path("analytics/", views.analytics, name="analytics"),
    path("import/", import_views.import_choices, name="import"),
    path("import/confirm/", import_views.import_confirm, name="import_confirm"),
    path("import/results/<uuid:choice_import_id>/", import_views.import_result, name="import_result"),
    path(
        "import/results/<uuid:choice_import_id>/errors.csv", import_views.import_errors, name="import_errors"
    ),
    path("providers/", provider_views.provider_list, name="providers"),
    path("providers/add/", provider_views.provider_add, name="provider_add"),
    path("providers/<uuid:candidate_id>/", provider_views.provider_edit, name="provider_edit"),
    path("providers/<uuid:candidate_id>/save/", provider_views.provider_save, name="provider_save"),
    path("sessions/<uuid:session_id>/", views.session_detail, name="session"),
    path("sessions/<uuid:session_id>/choose/", views.choose, name="choose"),
    path("sessions/<uuid:session_id>/compare/", views.compare, name="compare"),
    path("sessions/<uuid:session_id>/viewed/", views.viewed, name="viewed"),
    path(
        "recommendations/<uuid:recommendation_id>/expand/",
        views.expand,
        name="expand",
    ),
    path("recommendations/<uuid:recommendation_id>/contact/", views.contact, name="contact"),
    path(
        "recommendations/<uuid:recommendation_id>/rate/",
        views.rate_explanation,
        name="rate",
    ),
]
