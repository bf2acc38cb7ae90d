from django.urls import path

from content import views

app_name = "content"

urlpatterns = [
    path("", views.index, name="index"),
    path("run-now/", views.run_now, name="run_now"),
    path("runs/<uuid:run_id>/", views.run_detail, name="run"),
    path("brands/<uuid:brand_id>/", views.brand_detail, name="brand"),
    path("upload/", views.upload, name="upload"),
    path("upload/confirm/", views.upload_confirm, name="upload_confirm"),
    path("imports/<uuid:import_id>/", views.import_detail, name="import"),
    path("imports/<uuid:import_id>/errors.csv", views.import_errors, name="import_errors"),
    path("write/", views.write_copy, name="write"),
    path("policy/", views.policy, name="policy"),
]
