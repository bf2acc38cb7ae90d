"""Pages for signing in, switching workspace, members, API tokens and the worker check."""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from core.csv_export import shown
from workspaces import services
from workspaces.access import owner_required, workspace_view
from workspaces.forms import MemberForm, TokenForm, WorkspaceForm
from workspaces.htmx import redirect_after_post
from workspaces.login_limits import limit_login_attempts
from workspaces.middleware import SESSION_KEY
from workspaces.models import ApiToken, AuditEvent, Invitation, InvitationStatus, Membership, WorkerHeartbeat


@limit_login_attempts
def login_view(request):
    return auth_views.LoginView.as_view()(request)


@limit_login_attempts
def admin_login(request):
    """The admin's own login page, behind the same attempt limits as the app's."""
    return admin.site.login(request)


@require_POST
def logout_view(request):
    return auth_views.LogoutView.as_view()(request)


@require_POST
@workspace_view
def switch_workspace(request):
    workspace_id = request.POST.get("workspace_id", "")
    membership = next((m for m in request.memberships if str(m.workspace_id) == workspace_id), None)
    if membership is None:
        raise Http404("No such workspace.")
    request.session[SESSION_KEY] = str(membership.workspace_id)
    services.choose_workspace(membership)
    messages.success(request, f"Switched to {membership.workspace.name}.")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    return redirect_after_post(request, next_url)


def create_workspace(request):
    if not request.user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    form = WorkspaceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            workspace = services.create_workspace(
                request.user, form.cleaned_data["name"], form.cleaned_data["timezone"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            request.session[SESSION_KEY] = str(workspace.id)
            messages.success(request, f"Workspace {workspace.name} created.")
            return redirect_after_post(request, "workspaces:settings")
    return render(request, "workspaces/create.html", {"form": form})


def _settings_context(request, **extra):
    workspace = request.workspace
    tokens = list(ApiToken.objects.filter(workspace=workspace).select_related("created_by"))
    for token in tokens:
        token.revocable = token.is_active and token.can_be_revoked_by(request.membership)
    context = {
        "members": Membership.objects.filter(workspace=workspace).select_related("user"),
        "invitations": (
            Invitation.objects.filter(workspace=workspace, status=InvitationStatus.PENDING)
            if request.membership.is_owner
            else Invitation.objects.none()
        ),
        "tokens": tokens,
        "audit_events": AuditEvent.objects.filter(workspace=workspace).select_related("actor", "token")[
            : shown(request, 20)
        ],
        "heartbeat": WorkerHeartbeat.objects.for_workspace(workspace).first(),
        "token_form": TokenForm(),
        "member_form": MemberForm(),
    }
    context.update(extra)
    return context


@workspace_view
def workspace_settings(request):
    return render(request, "workspaces/settings.html", _settings_context(request))


@require_POST
@workspace_view(write=True)
def create_token(request):
    form = TokenForm(request.POST)
    new_token = None
    if form.is_valid():
        try:
            token, raw = services.issue_token(
                request.workspace,
                form.cleaned_data["name"],
                actor=request.user,
                can_write=form.cleaned_data["can_write"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            new_token = {"token": token, "raw": raw}
            form = TokenForm()
    context = _settings_context(request, token_form=form, new_token=new_token)
    if request.htmx:
        return render(request, "workspaces/settings.html#tokens", context)
    # Without htmx the raw value must still be shown once, so render rather than redirect.
    return render(request, "workspaces/settings.html", context)


@require_POST
@workspace_view(write=True)
def revoke_token(request, token_id):
    token = get_object_or_404(ApiToken.objects.filter(workspace=request.workspace), pk=token_id)
    if not token.can_be_revoked_by(request.membership):
        raise PermissionDenied("Members can revoke only the tokens they made; owners can revoke any.")
    services.revoke_token(token, actor=request.user)
    if request.htmx:
        return render(request, "workspaces/settings.html#tokens", _settings_context(request))
    messages.success(request, f"Token {token.name} revoked.")
    return redirect_after_post(request, "workspaces:settings")


@require_POST
@workspace_view(write=True)
def add_member(request):
    owner_required(request)
    form = MemberForm(request.POST)
    member_message = None
    if form.is_valid():
        try:
            member_message = services.invite_member(
                request.workspace,
                form.cleaned_data["username"],
                form.cleaned_data["role"],
                actor=request.user,
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form = MemberForm()
    context = _settings_context(request, member_form=form, member_message=member_message)
    if request.htmx:
        return render(request, "workspaces/settings.html#members", context)
    return render(request, "workspaces/settings.html", context)


@require_POST
@login_required
def respond_to_invitation(request):
    """The invited user accepts or declines; accepting also makes it their current workspace."""
    accept = request.POST.get("answer") == "accept"
    try:
        membership = services.respond_to_invitation(
            request.user, request.POST.get("invitation_id", ""), accept
        )
    except (Invitation.DoesNotExist, ValidationError, ValueError):
        raise Http404("No such invitation.") from None
    if membership is None:
        messages.info(request, "Invitation declined.")
        return redirect_after_post(request, "/")
    request.session[SESSION_KEY] = str(membership.workspace_id)
    messages.success(
        request, f"You joined {membership.workspace.name} as {membership.get_role_display().lower()}."
    )
    return redirect_after_post(request, "/")


@require_POST
@workspace_view(write=True)
def request_heartbeat(request):
    heartbeat = services.request_heartbeat(request.workspace, request.user)
    if request.htmx:
        return render(request, "workspaces/_heartbeat.html", {"heartbeat": heartbeat})
    messages.info(request, "Worker check queued.")
    return redirect_after_post(request, "workspaces:settings")


@workspace_view
def heartbeat_status(request, heartbeat_id):
    heartbeat = get_object_or_404(WorkerHeartbeat.objects.for_workspace(request.workspace), pk=heartbeat_id)
    return render(request, "workspaces/_heartbeat.html", {"heartbeat": heartbeat})


def bad_request(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "The request could not be understood."}, status=400)
    return render(request, "errors/400.html", status=400)


def permission_denied(request, exception=None):
    message = str(exception) if isinstance(exception, PermissionDenied) and str(exception) else ""
    return render(request, "errors/403.html", {"message": message}, status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    return render(request, "errors/500.html", status=500)
