"""Top-level URL configuration: pages per app, the JSON API, admin and auth."""

from django.contrib import admin
from django.urls import include, path

from config.api import api
from workspaces import views as workspace_views

urlpatterns = [
    # Before the admin's own routes: its login page goes through the app's attempt limits.
    path("admin/login/", workspace_views.admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
    path("accounts/login/", workspace_views.login_view, name="login"),
    path("accounts/logout/", workspace_views.logout_view, name="logout"),
    path("api/v1/", api.urls),
    path("workspaces/", include("workspaces.urls")),
    path("leads/", include("leads.urls")),
    path("content/", include("content.urls")),
    path("matching/", include("matching.urls")),
    path("feedback/", include("feedback.urls")),
    path("", include("analytics.urls")),
]

handler400 = "workspaces.views.bad_request"
handler403 = "workspaces.views.permission_denied"
handler404 = "workspaces.views.page_not_found"
handler500 = "workspaces.views.server_error"
