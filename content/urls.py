from django.urls import path

from content.views import brands, experiments, imports, search, winners

app_name = "content"

urlpatterns = [
    path("", winners.index, name="index"),
    path("run-now/", winners.run_now, name="run_now"),
    path("runs/<uuid:run_id>/", winners.run_detail, name="run"),
    path("brands/<uuid:brand_id>/", brands.brand_detail, name="brand"),
    path("experiments/<uuid:experiment_id>/", experiments.experiment_detail, name="experiment"),
    path("upload/", imports.upload, name="upload"),
    path("upload/confirm/", imports.upload_confirm, name="upload_confirm"),
    path("imports/<uuid:import_id>/", imports.import_detail, name="import"),
    path("imports/<uuid:import_id>/errors.csv", imports.import_errors, name="import_errors"),
    path("write/", search.write_copy, name="write"),
    path("policy/", winners.policy, name="policy"),
]
