from django.urls import path

from feedback import import_views, views

app_name = "feedback"

urlpatterns = [
    path("", views.index, name="index"),
    path("entries/new/", views.entry_create, name="entry_create"),
    path("entries/<uuid:entry_id>/", views.entry_detail, name="entry_detail"),
    path("entries/<uuid:entry_id>/rate/", views.entry_rate, name="entry_rate"),
    path("import/", import_views.import_entries, name="import"),
    path("import/confirm/", import_views.import_confirm, name="import_confirm"),
    path("import/results/<uuid:feedback_import_id>/", import_views.import_result, name="import_result"),
    path(
        "import/results/<uuid:feedback_import_id>/errors.csv",
        import_views.import_errors,
        name="import_errors",
    ),
    path("analysis/", views.analysis, name="analysis"),
    path("reports/", views.reports, name="reports"),
    path("reports/<uuid:report_id>/", views.report_detail, name="report_detail"),
    path("reports/<uuid:report_id>/json/", views.report_json, name="report_json"),
    path("suggestions/", views.suggestions, name="suggestions"),
    path("route/", views.route, name="route"),
]
