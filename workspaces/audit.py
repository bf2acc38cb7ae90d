"""The audit log: who changed preferences, promoted or rolled back a model, created or revoked a token."""

from workspaces.models import AuditEvent


def record(workspace, action, target="", actor=None, token=None, **details):
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEvent.objects.create(
        workspace=workspace,
        action=action,
        target=str(target)[:200],
        actor=actor,
        token=token,
        details=details,
    )
