"""Loop 2's call list: the leads to follow up on a given day, most by calibrated score, a few drawn
at random from below the cut (exploration) so the outcomes they bring teach the model about all leads."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from leads.models.leads import Lead
from workspaces.models import WorkspaceScopedModel


class CallListEntry(WorkspaceScopedModel):
    """One place on one day's call list. `selection_probability` is the chance the lead had of being
    on the list: 1 for leads placed by score, places/leads below the cut for explored ones; retraining
    weights an outcome by its inverse."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="call_list_entries")
    day = models.DateField(db_index=True)
    rank = models.PositiveIntegerField()
    exploration = models.BooleanField(default=False)
    selection_probability = models.FloatField(
        default=1.0, validators=[MinValueValidator(0.0), MaxValueValidator(1.0)]
    )
    # The calibrated probability the lead had when it was placed (None: no model yet).
    score = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["day", "rank"]
        verbose_name_plural = "call list entries"
        constraints = [
            models.UniqueConstraint(fields=["workspace", "day", "lead"], name="call_list_lead_once_per_day"),
            # Two builds of one day's list at once cannot both land: they collide on rank 1.
            models.UniqueConstraint(fields=["workspace", "day", "rank"], name="call_list_rank_once_per_day"),
            models.CheckConstraint(
                condition=Q(selection_probability__gt=0.0) & Q(selection_probability__lte=1.0),
                name="call_list_selection_probability_in_0_1",
            ),
        ]

    def __str__(self):
        return f"{self.day} #{self.rank}: {self.lead}"
