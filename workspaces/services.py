"""Workspace services: creating workspaces, members and tokens; the worker round trip."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from workspaces import audit
from workspaces.models import ApiToken, Membership, Role, WorkerHeartbeat, Workspace


def unique_slug(name):
    base = slugify(name)[:60] or "workspace"
    slug, n = base, 2
    while Workspace.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def create_workspace(owner, name, timezone_name="UTC"):
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": ["Give the workspace a name."]})
    workspace = Workspace(name=name[:120], slug=unique_slug(name), timezone=timezone_name)
    workspace.full_clean()
    workspace.save()
    Membership.objects.create(workspace=workspace, user=owner, role=Role.OWNER)
    audit.record(workspace, "workspace.created", workspace.slug, actor=owner)
    return workspace


def get_or_create_workspace(slug):
    """For commands: the workspace with this slug, created when missing. Returns (ws, created)."""
    slug = slugify(slug)
    if not slug:
        raise ValidationError({"workspace": ["A workspace slug is required."]})
    return Workspace.objects.get_or_create(slug=slug, defaults={"name": slug.replace("-", " ").title()})


@transaction.atomic
def add_member(workspace, username, role, actor=None):
    if role not in Role.values:
        raise ValidationError({"role": [f"Choose one of: {', '.join(Role.values)}."]})
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise ValidationError({"username": [f"No user is called {username!r}."]})
    membership, created = Membership.objects.update_or_create(
        workspace=workspace, user=user, defaults={"role": role}
    )
    audit.record(workspace, "member.set", username, actor=actor, role=role, created=created)
    return membership


@transaction.atomic
def issue_token(workspace, name, actor=None, can_write=True):
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": ["Name the token after what will use it (e.g. 'Salesforce')."]})
    token, raw = ApiToken.issue(workspace, name[:100], created_by=actor, can_write=can_write)
    audit.record(workspace, "token.created", token.name, actor=actor, prefix=token.prefix)
    return token, raw


@transaction.atomic
def revoke_token(token, actor=None):
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(token.workspace, "token.revoked", token.name, actor=actor, prefix=token.prefix)
    return token


def request_heartbeat(workspace, user=None):
    """Queue a round trip through the worker; its completion is visible on the settings page."""
    from workspaces.tasks import complete_heartbeat

    with transaction.atomic():
        heartbeat = WorkerHeartbeat.objects.create(workspace=workspace, requested_by=user)
        complete_heartbeat.delay_on_commit(str(heartbeat.id))
    return heartbeat
