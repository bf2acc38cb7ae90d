"""How views and API routes reach the current workspace and check the member's role."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render


def workspace_view(view=None, *, write=False):
    """Log-in required; sets request.workspace and request.membership.

    With write=True, viewers get 403: permissions are checked here, never only in templates.
    """

    def decorator(view_func):
        @wraps(view_func)
        @login_required
        def wrapped(request, *args, **kwargs):
            if getattr(request, "workspace", None) is None:
                return render(request, "workspaces/no_workspace.html", status=403)
            if write and not request.membership.can_write:
                raise PermissionDenied("Viewers can look but not change anything in this workspace.")
            return view_func(request, *args, **kwargs)

        # Lets the tests' access matrix know which pages change data (viewers must get 403).
        wrapped.requires_write = write
        return wrapped

    if view is not None:
        return decorator(view)
    return decorator


def owner_required(request):
    if not request.membership.is_owner:
        raise PermissionDenied("Only the workspace's owners can do this.")


def require_api_write(request):
    """For API routes that change data: read-only tokens get 403."""
    if not request.auth.allows_write:
        if request.auth.can_write:
            raise PermissionDenied(
                "This API token is read-only now: the person who made it can no longer write."
            )
        raise PermissionDenied("This API token is read-only.")
