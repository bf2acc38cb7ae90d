from django.urls import path

from analytics import views

app_name = "analytics"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("analytics/agents/", views.entity_table, {"table": "agents"}, name="agents"),
    path("analytics/recipes/", views.entity_table, {"table": "recipes"}, name="recipes"),
    path("analytics/models/", views.entity_table, {"table": "models"}, name="models"),
    path("analytics/brands/", views.entity_table, {"table": "brands"}, name="brands"),
    path("analytics/segments/", views.entity_table, {"table": "segments"}, name="segments"),
    path("analytics/frameworks/", views.entity_table, {"table": "frameworks"}, name="frameworks"),
    path("analytics/exports/<slug:dataset>.csv", views.export, name="export"),
]
