"""Lead scoring: per-workspace settings and counters, the model registry, and every score given."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from leads.models.leads import Lead
from workspaces.models import WorkspaceScopedModel


def _default_threshold():
    return settings.LEADS_RETRAIN_THRESHOLD


class ScoringSettings(WorkspaceScopedModel):
    """One per workspace: thresholds, excluded columns, promotion rule, counters, the champion alias."""

    retrain_threshold = models.PositiveIntegerField(
        default=_default_threshold,
        validators=[MinValueValidator(1), MaxValueValidator(1_000_000)],
        help_text="New outcomes since the last training that start a retraining.",
    )
    high_threshold = models.FloatField(
        default=0.7,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text="Scores at or above this are 'high'.",
    )
    low_threshold = models.FloatField(
        default=0.3,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text="Scores below this are 'low'.",
    )
    excluded_columns = models.JSONField(
        default=list,
        blank=True,
        help_text="Columns the model must not use (e.g. ones that leak the outcome).",
    )
    promotion_confidence = models.FloatField(
        default=0.95, validators=[MinValueValidator(0.5), MaxValueValidator(0.999)]
    )
    max_champion_age_days = models.FloatField(
        default=30.0, validators=[MinValueValidator(0.0), MaxValueValidator(3650.0)]
    )
    # Loop 2's call list: how many leads a day, and the share of places drawn from below the cut.
    call_list_size = models.PositiveIntegerField(
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(500)],
        help_text="Leads on each day's call list.",
    )
    exploration_share = models.FloatField(
        default=0.10,
        validators=[MinValueValidator(0.0), MaxValueValidator(0.5)],
        help_text="Share of the call list drawn at random from the leads below the cut (0 to 0.5).",
    )
    champion = models.ForeignKey(
        "leads.ScoringModelVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcomes_since_training = models.PositiveIntegerField(default=0)
    retrain_pending = models.BooleanField(default=False)
    retrain_queued_at = models.DateTimeField(null=True, blank=True)
    last_training_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "scoring settings"
        constraints = [
            models.UniqueConstraint(fields=["workspace"], name="one_scoring_settings_per_workspace")
        ]

    def __str__(self):
        return f"Scoring settings of {self.workspace}"


class ModelDecision(models.TextChoices):
    PROMOTED = "promoted", "Promoted"
    KEPT = "kept", "Champion kept"
    FAILED = "failed", "Training failed"
    ROLLED_BACK = "rolled_back", "Restored by rollback"


class ScoringModelVersion(WorkspaceScopedModel):
    """One trained model: what it learned from, how good it is, and what was decided about it."""

    version = models.PositiveIntegerField()
    description = models.CharField(max_length=200, blank=True)
    training_rows = models.PositiveIntegerField(default=0)
    positives = models.PositiveIntegerField(default=0)
    data_hash = models.CharField(max_length=64, blank=True)
    features = models.JSONField(default=dict, blank=True)
    metrics = models.JSONField(default=dict, blank=True)
    decision = models.CharField(max_length=12, choices=ModelDecision.choices, blank=True)
    reason = models.TextField(blank=True)
    promoted_at = models.DateTimeField(null=True, blank=True)
    promoted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    promoted_via = models.CharField(max_length=40, blank=True, help_text="automatic, command, rollback, ...")
    # When another version took its place: with promoted_at, the span it served as champion.
    demoted_at = models.DateTimeField(null=True, blank=True)
    artifact_name = models.CharField(max_length=200, blank=True)
    artifact_sha256 = models.CharField(max_length=64, blank=True)
    trigger = models.CharField(max_length=40, blank=True)
    seconds = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "version"], name="model_version_unique_per_workspace"
            )
        ]

    def __str__(self):
        return self.label

    @property
    def label(self):
        return f"v{self.version}"


class LeadScore(WorkspaceScopedModel):
    """One score given to a lead, kept so the lead page shows how it moved and why."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="scores")
    probability = models.FloatField()
    display_score = models.PositiveSmallIntegerField()
    risk_category = models.CharField(max_length=10)
    model_version = models.CharField(max_length=40)
    model = models.ForeignKey(
        ScoringModelVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="scores"
    )
    factors = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["workspace", "lead", "created_at"])]

    def __str__(self):
        return f"{self.lead}: {self.display_score} ({self.model_version})"
