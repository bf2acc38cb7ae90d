"""A CSV import of leads and outcomes: the job, its mapping, progress and error report."""

from django.conf import settings
from django.db import models

from workspaces.models import WorkspaceScopedModel


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class LeadImport(WorkspaceScopedModel):
    """A CSV import of leads and outcomes: its mapping, progress and per-row error report."""

    file_name = models.CharField(max_length=255)
    file_path = models.CharField(max_length=500)
    id_column = models.CharField(max_length=200, blank=True)
    outcome_column = models.CharField(max_length=200, blank=True)
    positive_value = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    leads_created = models.PositiveIntegerField(default=0)
    leads_updated = models.PositiveIntegerField(default=0)
    outcomes_recorded = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True, help_text="[[row, column, reason], ...]")
    failure = models.TextField(blank=True)
    # Chosen on the preview: one bad row refuses the whole file (nothing is stored).
    all_or_nothing = models.BooleanField(default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Import of {self.file_name}"

    @property
    def progress(self):
        if not self.total_rows:
            return 100 if self.status == ImportStatus.DONE else 0
        return int(100 * self.processed_rows / self.total_rows)

    @property
    def refused(self):
        return self.all_or_nothing and self.status == ImportStatus.DONE and bool(self.error_count)
