from django.urls import path

from feedback import views

app_name = "feedback"

urlpatterns = [
    path("", views.index, name="index"),
    path("entries/new/", views.entry_create, name="entry_create"),
    path("entries/<uuid:entry_id>/", views.entry_detail, name="entry_detail"),
    path("entries/<uuid:entry_id>/rate/", views.entry_rate, name="entry_rate"),
    path("import/", views.import_entries, name="import"),
    path("analysis/", views.analysis, name="analysis"),
    path("reports/", views.reports, name="reports"),
    path("reports/<uuid:report_id>/", views.report_detail, name="report_detail"),
    path("reports/<uuid:report_id>/json/", views.report_json, name="report_json"),
    path("suggestions/", views.suggestions, name="suggestions"),
    path("route/", views.route, name="route"),
]
