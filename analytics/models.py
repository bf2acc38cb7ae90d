"""Models of the analytics app: daily summary rows of the large tables (see analytics/rollups.py)."""

from django.db import models

from workspaces.models import Workspace


class DailyRollup(models.Model):
    """One dataset's additive measures (counts, sums) for one local day of one workspace."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    dataset = models.CharField(max_length=40)
    day = models.DateField(help_text="Local day in the workspace's time zone.")
    values = models.JSONField(default=dict)
    # Rows dated before this instant are in ``values`` (the day of a refresh is partial).
    counted_until = models.DateTimeField()
    version = models.CharField(max_length=16, help_text="Hash of the time zone and definition counted with.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "dataset", "day"], name="one_rollup_per_day")
        ]

    def __str__(self):
        return f"{self.dataset} {self.day}"


class RollupState(models.Model):
    """What a dataset's rollups cover: every row dated before ``complete_until`` (an hour boundary;
    the day holding it is partial), by local day in ``timezone``, with the dataset definition whose
    hash is ``fingerprint``."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    dataset = models.CharField(max_length=40)
    timezone = models.CharField(max_length=64)
    fingerprint = models.CharField(max_length=64)
    complete_until = models.DateTimeField()
    computed_at = models.DateTimeField()
    seconds = models.FloatField(default=0.0, help_text="How long the last refresh took.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workspace", "dataset"], name="one_rollup_state")]

    def __str__(self):
        return f"{self.dataset} until {self.complete_until}"


class RollupTouch(models.Model):
    """An hour (UTC) in which a row of a dataset was inserted, changed or deleted since its last
    refresh; written by database triggers, so no code path can change a row unnoticed.

    ``workspace_id`` is a plain column, not a foreign key: the triggers also fire while a workspace's
    rows are being deleted, and a touch of a deleted workspace is simply dropped by the next refresh.
    """

    workspace_id = models.UUIDField()
    dataset = models.CharField(max_length=40)
    hour = models.DateTimeField()

    class Meta:
        verbose_name_plural = "rollup touches"
        indexes = [models.Index(fields=["workspace_id", "hour"], name="rollup_touch_ws_hour")]

    def __str__(self):
        return f"{self.dataset} {self.hour}"
