"""Whether a lead converted: one outcome per lead, from the page, the API, a CRM webhook or a CSV;
the webhook events already received."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from leads.models.leads import Lead
from workspaces.models import ApiToken, Workspace, WorkspaceScopedModel


class OutcomeSource(models.TextChoices):
    PAGE = "page", "Lead page"
    API = "api", "API feedback"
    SCORE = "score", "Score call (actual_outcome)"
    WEBHOOK = "webhook", "CRM webhook"
    IMPORT = "import", "CSV import"
    DEMO = "demo", "Demo data"


class Outcome(WorkspaceScopedModel):
    """Won or lost. Recording the same outcome again changes nothing and counts once."""

    lead = models.OneToOneField(Lead, on_delete=models.CASCADE, related_name="outcome")
    won = models.BooleanField()
    reason = models.CharField(max_length=500, blank=True)
    source = models.CharField(max_length=10, choices=OutcomeSource.choices)
    # A sender's own id for the event (e.g. a CRM webhook delivery id): a repeat is ignored.
    idempotency_key = models.CharField(max_length=200, null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    token = models.ForeignKey(ApiToken, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # When the outcome was last set or changed: retraining holds out the newest ones.
    recorded_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-recorded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="outcome_idempotency_key_unique_per_workspace",
            )
        ]
        indexes = [models.Index(fields=["workspace", "recorded_at"])]

    def __str__(self):
        return f"{self.lead}: {'won' if self.won else 'lost'}"

    @property
    def label(self):
        return "Won" if self.won else "Lost"


class WebhookEvent(WorkspaceScopedModel):
    """An event id a sender delivered: every one is remembered (for the retention period,
    LEADS_WEBHOOK_EVENT_RETENTION_DAYS), so a redelivery of any earlier event is a no-op, not only
    of the last one."""

    source = models.CharField(max_length=20, default="crm")
    event_id = models.CharField(max_length=200)
    received_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "event_id"], name="webhook_event_unique_per_workspace"
            )
        ]

    def __str__(self):
        return f"{self.source} event {self.event_id}"


class OutcomeTotal(models.Model):
    """How many outcomes a workspace has, kept by PostgreSQL triggers on every insert and delete of
    an outcome, written once per transaction at its commit (migrations 0011, 0012), so an outcome call
    answers its total without counting them all.
    SQLite has no such triggers: there the total is counted (leads.services.outcomes.total_outcomes)."""

    workspace = models.OneToOneField(Workspace, primary_key=True, on_delete=models.CASCADE, related_name="+")
    total = models.BigIntegerField(default=0)

    def __str__(self):
        return f"{self.workspace_id}: {self.total} outcomes"
