"""Workspace services: creating workspaces, members and tokens; the worker round trip."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from workspaces import audit, tasks
from workspaces.models import (
    ApiToken,
    Invitation,
    InvitationStatus,
    Membership,
    Role,
    WorkerHeartbeat,
    Workspace,
)


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
    Membership.objects.create(workspace=workspace, user=owner, role=Role.OWNER, last_chosen_at=timezone.now())
    audit.record(workspace, "workspace.created", workspace.slug, actor=owner)
    return workspace


def get_or_create_workspace(slug):
    """For commands: the workspace with this slug, created when missing. Returns (ws, created)."""
    slug = slugify(slug)
    if not slug:
        raise ValidationError({"workspace": ["A workspace slug is required."]})
    return Workspace.objects.get_or_create(slug=slug, defaults={"name": slug.replace("-", " ").title()})


INVITED_MESSAGE = "If that person has an account, they will see the invitation."


def _invited_user(invitee):
    """The account an invitation names: by user name (as the login form normalises it), or by
    an email that exactly one account has; None otherwise."""
    User = get_user_model()
    user = User.objects.filter(username=User.normalize_username(invitee)).first()
    if user is None and "@" in invitee:
        matches = list(User.objects.filter(email__iexact=invitee)[:2])
        user = matches[0] if len(matches) == 1 else None
    return user if user is not None and user.is_active else None


def _is_last_owner(membership):
    others = Membership.objects.filter(workspace=membership.workspace, role=Role.OWNER).exclude(
        pk=membership.pk
    )
    return membership.role == Role.OWNER and not others.exists()


@transaction.atomic
def invite_member(workspace, invitee, role, actor=None):
    """Invite someone by user name or email, or change the role of a listed member.

    Returns the message to show. An invitation is answered the same way whether or not the
    account exists, and only the invited user's acceptance makes them a member: an owner can
    neither put people into a workspace nor learn which names exist.
    """
    invitee = (invitee or "").strip()
    if not invitee:
        raise ValidationError({"username": ["Give a user name or an email address."]})
    if role not in Role.values:
        raise ValidationError({"role": [f"Choose one of: {', '.join(Role.values)}."]})
    # A member is listed by user name on the settings page: changing their role reveals nothing.
    member = (
        Membership.objects.select_for_update()
        .filter(workspace=workspace, user__username=get_user_model().normalize_username(invitee))
        .first()
    )
    if member is not None:
        if member.role != role and _is_last_owner(member):
            raise ValidationError({"role": ["The workspace's last owner stays an owner."]})
        member.role = role
        member.save(update_fields=["role"])
        audit.record(workspace, "member.role_changed", member.user.get_username(), actor=actor, role=role)
        return f"{member.user.get_username()} is now {member.get_role_display().lower()}."
    invitation, created = Invitation.objects.update_or_create(
        workspace=workspace,
        invitee=invitee[:254],
        status=InvitationStatus.PENDING,
        defaults={"role": role, "user": _invited_user(invitee), "invited_by": actor},
    )
    audit.record(workspace, "member.invited", invitation.invitee, actor=actor, role=role)
    return INVITED_MESSAGE


def pending_invitations(user):
    if not user.is_authenticated:
        return Invitation.objects.none()
    return (
        Invitation.objects.filter(user=user, status=InvitationStatus.PENDING)
        .exclude(workspace__memberships__user=user)
        .select_related("workspace", "invited_by")
    )


@transaction.atomic
def respond_to_invitation(user, invitation_id, accept):
    """The invited user accepts (a membership with the invited role) or declines. Returns the
    membership, or None on a decline; an invitation that is not theirs and pending is 404."""
    invitation = (
        Invitation.objects.select_for_update()
        .filter(pk=invitation_id, user=user, status=InvitationStatus.PENDING)
        .select_related("workspace")
        .first()
    )
    if invitation is None:
        raise Invitation.DoesNotExist
    invitation.status = InvitationStatus.ACCEPTED if accept else InvitationStatus.DECLINED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    workspace = invitation.workspace
    if not accept:
        audit.record(workspace, "member.declined", user.get_username(), actor=user)
        return None
    membership, _ = Membership.objects.get_or_create(
        workspace=workspace, user=user, defaults={"role": invitation.role}
    )
    choose_workspace(membership)
    audit.record(workspace, "member.joined", user.get_username(), actor=user, role=membership.role)
    return membership


def choose_workspace(membership):
    """Remembers the user's choice: their next session starts in this workspace."""
    membership.last_chosen_at = timezone.now()
    Membership.objects.filter(pk=membership.pk).update(last_chosen_at=membership.last_chosen_at)


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


def revoke_tokens_made_by(sender, instance, **kwargs):
    """Signal receiver: a deleted user's tokens are revoked, not left ownerless and working."""
    ApiToken.objects.active().filter(created_by=instance).update(revoked_at=timezone.now())


def request_heartbeat(workspace, user=None):
    """Queue a round trip through the worker; its completion is visible on the settings page."""
    with transaction.atomic():
        heartbeat = WorkerHeartbeat.objects.create(workspace=workspace, requested_by=user)
        tasks.complete_heartbeat.delay_on_commit(str(heartbeat.id))
    return heartbeat
