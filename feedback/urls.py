from django.urls import path

from feedback.views import entries, imports, pairwise, patterns, reports

app_name = "feedback"

urlpatterns = [
    path("", entries.index, name="index"),
    path("entries/new/", entries.entry_create, name="entry_create"),
    path("entries/<uuid:entry_id>/", entries.entry_detail, name="entry_detail"),
    path("entries/<uuid:entry_id>/rate/", entries.entry_rate, name="entry_rate"),
    path("import/", imports.import_entries, name="import"),
    path("import/confirm/", imports.import_confirm, name="import_confirm"),
    path("import/results/<uuid:feedback_import_id>/", imports.import_result, name="import_result"),
    path("import/results/<uuid:feedback_import_id>/errors.csv", imports.import_errors, name="import_errors"),
    path("analysis/", patterns.analysis, name="analysis"),
    path("reports/", reports.reports, name="reports"),
    path("reports/<uuid:report_id>/", reports.report_detail, name="report_detail"),
    path("reports/<uuid:report_id>/json/", reports.report_json, name="report_json"),
    path("suggestions/", patterns.suggestions, name="suggestions"),
    path("route/", patterns.route, name="route"),
    path("pairwise/", pairwise.board, name="pairwise_board"),
    path("pairwise/judge/", pairwise.judge, name="pairwise_judge"),
    path("pairwise/import/", pairwise.import_judgments, name="pairwise_import"),
    path("pairwise/import/confirm/", pairwise.import_confirm, name="pairwise_import_confirm"),
    path(
        "pairwise/import/results/<uuid:judgment_import_id>/",
        pairwise.import_result,
        name="pairwise_import_result",
    ),
    path(
        "pairwise/import/results/<uuid:judgment_import_id>/errors.csv",
        pairwise.import_errors,
        name="pairwise_import_errors",
    ),
]
