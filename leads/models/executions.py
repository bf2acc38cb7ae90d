"""One run of a recipe: its state, progress, timing, and what filtering did to the generated leads."""

from django.conf import settings
from django.db import models

from leads.models.agents import Agent, LeadSource, Recipe
from workspaces.models import ApiToken, WorkspaceScopedModel


class ExecutionStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    PARTIAL = "partial", "Partial"
    FAILED = "failed", "Failed"


FINISHED = (ExecutionStatus.SUCCEEDED, ExecutionStatus.PARTIAL, ExecutionStatus.FAILED)
SUCCESSFUL = (ExecutionStatus.SUCCEEDED, ExecutionStatus.PARTIAL)


class Execution(WorkspaceScopedModel):
    recipe = models.ForeignKey(Recipe, on_delete=models.CASCADE, related_name="executions")
    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="executions")
    source = models.CharField(max_length=10, choices=LeadSource.choices)
    status = models.CharField(
        max_length=10, choices=ExecutionStatus.choices, default=ExecutionStatus.QUEUED, db_index=True
    )
    input_data = models.JSONField(default=dict, blank=True)
    # Leads handed in with the request (API push, CSV upload), read by the worker.
    pushed_leads = models.JSONField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    token = models.ForeignKey(ApiToken, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    progress = models.PositiveSmallIntegerField(default=0, help_text="0..100")
    progress_message = models.CharField(max_length=200, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True, help_text="Why the execution failed.")
    warnings = models.JSONField(default=list, blank=True)
    leads_generated = models.PositiveIntegerField(default=0)
    leads_kept = models.PositiveIntegerField(default=0)
    filtering_impact = models.JSONField(default=dict, blank=True)
    preferences_used = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["workspace", "agent", "status"])]

    def __str__(self):
        return f"{self.recipe} at {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_finished(self):
        return self.status in FINISHED

    @property
    def duration_seconds(self):
        return None if self.duration_ms is None else self.duration_ms / 1000
