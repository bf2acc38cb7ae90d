"""What the team said about a kept lead: useful, relevant, conversion status, quality, comment."""

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from leads.models.executions import Execution
from leads.models.leads import Lead
from workspaces.models import ApiToken, WorkspaceScopedModel


class ConversionStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    INTERESTED = "interested", "Interested"
    NOT_INTERESTED = "not_interested", "Not interested"
    CONVERTED = "converted", "Converted"


class LeadFeedback(WorkspaceScopedModel):
    """One per lead and user (or per lead and API token when a tool sends it); editable."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="feedback")
    execution = models.ForeignKey(Execution, on_delete=models.CASCADE, related_name="feedback")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    token = models.ForeignKey(ApiToken, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    useful = models.BooleanField(null=True, blank=True)
    relevant = models.BooleanField(null=True, blank=True)
    conversion_status = models.CharField(
        max_length=20, choices=ConversionStatus.choices, default=ConversionStatus.PENDING
    )
    quality_score = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(0.0), MaxValueValidator(1.0)]
    )
    feedback_text = models.TextField(blank=True, validators=[MaxLengthValidator(1000)])
    lead_data = models.JSONField(default=dict, blank=True, help_text="The lead as it was when judged.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "lead feedback"
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["lead", "user"],
                condition=Q(user__isnull=False),
                name="one_feedback_per_lead_and_user",
            ),
            models.UniqueConstraint(
                fields=["lead", "token"],
                condition=Q(user__isnull=True, token__isnull=False),
                name="one_feedback_per_lead_and_token",
            ),
        ]

    def __str__(self):
        return f"Feedback on {self.lead}"

    @property
    def author_label(self):
        if self.user_id:
            return self.user.get_username()
        if self.token_id:
            return f"API token {self.token.name}"
        return "unknown"
