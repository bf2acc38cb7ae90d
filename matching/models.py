"""Models of the matching loop: factors, candidates, sessions, recommendations, choices, weights."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from matching.segments import SEGMENTS
from workspaces.models import WorkspaceScopedModel


class Dimension(models.TextChoices):
    PRICE = "price", "Price"
    QUALITY = "quality", "Quality"
    SPEED = "speed", "Speed"
    PROXIMITY = "proximity", "Proximity"
    OTHER = "other", "Other"


class Factor(WorkspaceScopedModel):
    """A number the workspace ranks candidates by (cost efficiency, quality, lead time...)."""

    key = models.SlugField(max_length=60)
    label = models.CharField(max_length=100)
    higher_is_better = models.BooleanField(default=True)
    dimension = models.CharField(max_length=12, choices=Dimension.choices, default=Dimension.OTHER)
    default_weight = models.FloatField(
        default=1.0, help_text="Weight per standard deviation when nothing has been learned yet."
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "key"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "key"], name="matching_factor_key_unique")
        ]

    def __str__(self):
        return self.label or self.key


class Candidate(WorkspaceScopedModel):
    """A provider that can be recommended, with its factor values by factor key."""

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    factor_values = models.JSONField(default=dict, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="matching_candidate_name_unique")
        ]

    def __str__(self):
        return self.name


class WeightVersion(WorkspaceScopedModel):
    """One learning run: the fitted model (all segments and per segment) and its summary."""

    number = models.PositiveIntegerField()
    model = models.JSONField(default=dict, blank=True)
    n_sessions = models.PositiveIntegerField(default=0)
    confidence = models.FloatField(default=0.0)
    log_likelihood = models.FloatField(null=True, blank=True)
    segments = models.JSONField(
        default=dict, blank=True, help_text="Per segment: sessions, confidence, weights, SEs."
    )

    class Meta:
        ordering = ["-number"]
        get_latest_by = "number"
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "number"], name="matching_weightversion_number_unique"
            )
        ]

    def __str__(self):
        return f"weights v{self.number}"


class Complexity(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class WeightsSource(models.TextChoices):
    DEFAULTS = "defaults", "Workspace defaults"
    GLOBAL = "global", "Learned, all segments"
    SEGMENT = "segment", "Learned, this segment"


class MatchingSession(WorkspaceScopedModel):
    """A customer's request and the ranked list it was shown."""

    customer_ref = models.CharField(max_length=200, blank=True, db_index=True)
    details = models.JSONField(default=dict, blank=True)
    complexity = models.CharField(max_length=10, choices=Complexity.choices, default=Complexity.MEDIUM)
    stated_preferences = models.JSONField(default=dict, blank=True)
    segment = models.CharField(
        max_length=30, choices=[(k, v) for k, v in SEGMENTS.items()], default="balanced"
    )
    segment_reason = models.CharField(max_length=300, blank=True)
    algorithm = models.CharField(max_length=40, default="conditional-logit-v1")
    weights_source = models.CharField(
        max_length=10, choices=WeightsSource.choices, default=WeightsSource.DEFAULTS
    )
    weights_version = models.ForeignKey(
        WeightVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="sessions"
    )
    imported = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"session {self.customer_ref or self.id}"


class Recommendation(WorkspaceScopedModel):
    session = models.ForeignKey(MatchingSession, on_delete=models.CASCADE, related_name="recommendations")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveIntegerField(null=True, blank=True, help_text="Displayed rank; empty if imported.")
    score = models.FloatField(default=0.0)
    probability = models.FloatField(default=0.0)
    factor_values = models.JSONField(default=dict, blank=True, help_text="Values when shown.")
    contributions = models.JSONField(default=dict, blank=True)
    explanation = models.TextField(blank=True)

    class Meta:
        ordering = ["session", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["session", "candidate"], name="matching_recommendation_unique")
        ]

    def __str__(self):
        return f"#{self.rank} {self.candidate}"


class Choice(WorkspaceScopedModel):
    session = models.OneToOneField(MatchingSession, on_delete=models.CASCADE, related_name="choice")
    candidate = models.ForeignKey(
        Candidate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    chosen_rank = models.PositiveIntegerField(null=True, blank=True)
    reasoning = models.TextField(blank=True)
    important_factors = models.JSONField(default=list, blank=True)
    decision_time_seconds = models.FloatField(null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    outcome = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"choice {self.candidate or 'none'}"


class InteractionType(models.TextChoices):
    VIEWED = "viewed", "Viewed"
    EXPANDED = "expanded", "Expanded"
    COMPARED = "compared", "Compared"
    CONTACTED = "contacted", "Contacted"


class Interaction(WorkspaceScopedModel):
    session = models.ForeignKey(MatchingSession, on_delete=models.CASCADE, related_name="interactions")
    recommendation = models.ForeignKey(
        Recommendation, null=True, blank=True, on_delete=models.CASCADE, related_name="interactions"
    )
    interaction_type = models.CharField(max_length=10, choices=InteractionType.choices)
    time_spent_seconds = models.FloatField(null=True, blank=True)
    viewed_explanation_level = models.CharField(max_length=30, blank=True)
    expanded_sections = models.JSONField(default=list, blank=True)
    helpful_rating = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.interaction_type} {self.recommendation or ''}"
