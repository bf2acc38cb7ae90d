"""Template context: the current workspace, the user's role, the workspace switcher and the
user's pending invitations."""

from workspaces.services import pending_invitations


def workspace(request):
    membership = getattr(request, "membership", None)
    return {
        "current_workspace": getattr(request, "workspace", None),
        "current_membership": membership,
        "can_write": bool(membership and membership.can_write),
        "user_memberships": getattr(request, "memberships", []),
        # A queryset: only pages that show it (base.html) run its query.
        "pending_invitations": pending_invitations(request.user) if hasattr(request, "user") else [],
    }
