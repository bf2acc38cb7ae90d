from django.urls import path

from workspaces import views

app_name = "workspaces"

urlpatterns = [
    path("switch/", views.switch_workspace, name="switch"),
    path("new/", views.create_workspace, name="create"),
    path("settings/", views.workspace_settings, name="settings"),
    path("tokens/", views.create_token, name="create_token"),
    path("tokens/<uuid:token_id>/revoke/", views.revoke_token, name="revoke_token"),
    path("members/", views.add_member, name="add_member"),
    path("invitations/respond/", views.respond_to_invitation, name="respond_to_invitation"),
    path("worker-check/", views.request_heartbeat, name="request_heartbeat"),
    path("worker-check/<uuid:heartbeat_id>/", views.heartbeat_status, name="heartbeat_status"),
]
