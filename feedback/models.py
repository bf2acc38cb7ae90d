"""Models of the feedback loop: rated outputs, stored reports and the daily pattern cache."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from workspaces.models import ApiToken, WorkspaceScopedModel


class Thumbs(models.IntegerChoices):
    UP = 1, "Thumbs up"
    NONE = 0, "No thumbs"
    DOWN = -1, "Thumbs down"


class FeedbackEntry(WorkspaceScopedModel):
    """One generated output and how people rated it. ``id`` is the stable feedback id."""

    prompt = models.TextField()
    output = models.TextField()
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="1 (useless) to 5 (excellent).",
    )
    thumbs = models.SmallIntegerField(choices=Thumbs.choices, default=Thumbs.NONE)
    tags = models.JSONField(default=list, blank=True, help_text="Normalised tags.")
    context = models.JSONField(
        default=dict,
        blank=True,
        help_text="framework, model, confidence, techniques, execution_time and any other keys.",
    )
    # Copied from the context so that pages and the router can filter and group cheaply.
    framework = models.CharField(max_length=100, blank=True, db_index=True)
    model_name = models.CharField(max_length=100, blank=True, db_index=True)
    notes = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["workspace", "created_at"], name="feedback_entry_ws_time")]
        verbose_name_plural = "feedback entries"

    def __str__(self):
        return f"{self.rating}★ {self.prompt[:60]}"

    @property
    def thumbs_label(self):
        return Thumbs(self.thumbs).label


class PeriodType(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    MONTHLY = "monthly", "Monthly"


class FeedbackReport(WorkspaceScopedModel):
    """A weekly or monthly improvement report; writing one again replaces it."""

    period_type = models.CharField(max_length=10, choices=PeriodType.choices)
    period = models.CharField(max_length=10, help_text="2026-W48 or 2026-11.")
    start_date = models.DateField()
    end_date = models.DateField()
    total_prompts = models.PositiveIntegerField(default=0)
    success_rate = models.FloatField(null=True, blank=True)
    improvement_vs_previous = models.FloatField(
        null=True, blank=True, help_text="Change of the success rate in percentage points."
    )
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["-start_date", "period_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "period_type", "period"], name="one_report_per_period"
            )
        ]

    def __str__(self):
        return f"{self.get_period_type_display()} report {self.period}"


class PatternCache(WorkspaceScopedModel):
    """The analysis of one day for one set of options; new entries delete the workspace's rows."""

    day = models.DateField()
    key = models.CharField(max_length=100)
    result = models.JSONField(default=dict)

    class Meta:
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["workspace", "day", "key"], name="one_pattern_cache")]

    def __str__(self):
        return f"patterns {self.day} {self.key}"


class Verdict(models.TextChoices):
    A = "a", "A (left) is better"
    B = "b", "B (right) is better"
    TIE = "tie", "Tie"


class PairwiseJudgment(WorkspaceScopedModel):
    """Which of two outputs of the same prompt is better (or a tie), and what produced each side."""

    prompt = models.TextField()
    prompt_hash = models.CharField(max_length=64, db_index=True, help_text="SHA-256 of the prompt.")
    left_output = models.TextField()
    right_output = models.TextField()
    # Each side as an entry names it: the prompt variant (the wording's name), framework and model.
    left_variant = models.CharField(max_length=100, blank=True)
    left_framework = models.CharField(max_length=100, blank=True)
    left_model = models.CharField(max_length=100, blank=True)
    right_variant = models.CharField(max_length=100, blank=True)
    right_framework = models.CharField(max_length=100, blank=True)
    right_model = models.CharField(max_length=100, blank=True)
    verdict = models.CharField(max_length=3, choices=Verdict.choices)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    token = models.ForeignKey(ApiToken, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["workspace", "created_at"], name="feedback_pair_ws_time")]

    def __str__(self):
        return f"{self.get_verdict_display()}: {self.prompt[:60]}"

    def side(self, name: str) -> dict:
        """One side's names: {"variant", "framework", "model"}."""
        return {key: getattr(self, f"{name}_{key}") for key in ("variant", "framework", "model")}
