"""Tenancy: workspaces, memberships with roles, API tokens, audit events and job leases."""

import hashlib
import secrets
import uuid
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


def validate_timezone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"Unknown time zone: {value}.")


class Workspace(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=80, unique=True)
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    MEMBER = "member", "Member"
    VIEWER = "viewer", "Viewer"


class Membership(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the user last chose this workspace (switcher, creating it, accepting an invitation):
    # a new session lands in the latest one, never in one picked for them by someone else.
    last_chosen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workspace", "user"], name="one_membership_per_user")]
        ordering = ["workspace__name", "user__username"]

    def __str__(self):
        return f"{self.user} in {self.workspace} ({self.role})"

    @property
    def can_write(self):
        return self.role in (Role.OWNER, Role.MEMBER)

    @property
    def is_owner(self):
        return self.role == Role.OWNER


class InvitationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class Invitation(models.Model):
    """An owner's invitation; only the invited user's acceptance makes a membership.

    `invitee` is what the owner typed (a user name or an email), kept even when it names nobody,
    so the owner's view of pending invitations is the same whether or not the account exists.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="invitations")
    invitee = models.CharField(max_length=254)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="invitations"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(
        max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.PENDING, db_index=True
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "invitee"],
                condition=models.Q(status="pending"),
                name="one_pending_invitation_per_invitee",
            )
        ]

    def __str__(self):
        return f"{self.invitee} to {self.workspace} as {self.role} ({self.status})"


class SharedCacheEntry(models.Model):
    """The table of the database cache shared by all processes (login attempt counters) when
    there is no Redis: a model, so that `migrate` creates it without `createcachetable`."""

    cache_key = models.CharField(max_length=255, primary_key=True)
    value = models.TextField()
    expires = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name_plural = "shared cache entries"
        db_table = "workspaces_shared_cache"

    def __str__(self):
        return self.cache_key


class WorkspaceQuerySet(models.QuerySet):
    def for_workspace(self, workspace):
        return self.filter(workspace=workspace)


class WorkspaceScopedModel(models.Model):
    """Base of every domain row: it belongs to exactly one workspace and has a UUID id."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = WorkspaceQuerySet.as_manager()

    class Meta:
        abstract = True


def hash_token(raw_token):
    return hashlib.sha256(raw_token.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A workspace's API token. Only its SHA-256 is stored; the raw value is shown once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, db_index=True, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    can_write = models.BooleanField(default=True, help_text="Read-only tokens cannot change data.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self):
        return self.revoked_at is None

    @property
    def allows_write(self):
        """Whether this token may change data now: its own flag, and its creator's current role
        (set by the API authentication; a token can do no more than the person who made it)."""
        return self.can_write and getattr(self, "creator_can_write", True)

    def can_be_revoked_by(self, membership):
        """Owners revoke any token of their workspace; others only the tokens they made."""
        if membership is None or membership.workspace_id != self.workspace_id:
            return False
        return membership.is_owner or (membership.can_write and self.created_by_id == membership.user_id)

    @classmethod
    def issue(cls, workspace, name, created_by=None, can_write=True):
        """Create a token and return (token, raw_value); the raw value is never stored."""
        prefix = secrets.token_hex(4)
        raw = f"fl_{prefix}_{secrets.token_urlsafe(32)}"
        token = cls.objects.create(
            workspace=workspace,
            name=name,
            prefix=prefix,
            token_hash=hash_token(raw),
            can_write=can_write,
            created_by=created_by,
        )
        return token, raw


class ActedByMixin:
    """For rows that keep who acted: a user (`actor`), an API token (`token`), or neither (a job)."""

    @property
    def actor_label(self):
        if self.actor_id:
            return self.actor.get_username()
        if self.token_id:
            return f"API token {self.token.name}"
        return "system"


class AuditEvent(ActedByMixin, models.Model):
    """Who changed what: preferences, model promotions and rollbacks, tokens, memberships."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="audit_events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    token = models.ForeignKey(ApiToken, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=80, db_index=True)
    target = models.CharField(max_length=200, blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.action} {self.target}"


class JobLease(models.Model):
    """A named lease held by one job at a time; it expires, so a crashed worker frees it."""

    name = models.CharField(max_length=200, primary_key=True)
    holder = models.CharField(max_length=64)
    expires_at = models.DateTimeField()

    def __str__(self):
        return f"{self.name} until {self.expires_at:%Y-%m-%d %H:%M:%S}"


class WorkerHeartbeat(WorkspaceScopedModel):
    """A round trip through the task queue, asked for from the workspace settings page."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    worker_hostname = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        state = f"answered by {self.worker_hostname}" if self.completed_at else "waiting"
        return f"Worker check {self.created_at:%Y-%m-%d %H:%M:%S} ({state})"

    @property
    def round_trip_seconds(self):
        if self.completed_at is None:
            return None
        return (self.completed_at - self.created_at).total_seconds()
