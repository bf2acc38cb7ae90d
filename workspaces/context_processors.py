"""Template context: the current workspace, the user's role and the workspace switcher."""


def workspace(request):
    membership = getattr(request, "membership", None)
    return {
        "current_workspace": getattr(request, "workspace", None),
        "current_membership": membership,
        "can_write": bool(membership and membership.can_write),
        "user_memberships": getattr(request, "memberships", []),
    }
