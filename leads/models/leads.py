"""The lead: typed core fields every team has, plus free attributes from the team's CRM."""

from django.db import models
from django.db.models import Q

from workspaces.models import WorkspaceScopedModel


class Lead(WorkspaceScopedModel):
    # The CRM's own id ("lead_id" in the API); generated leads may have none.
    external_id = models.CharField(max_length=200, null=True, blank=True)
    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(max_length=254, blank=True)
    company = models.CharField(max_length=200, blank=True)
    industry = models.CharField(max_length=120, blank=True)
    location = models.CharField(max_length=200, blank=True)
    company_size = models.PositiveIntegerField(null=True, blank=True, help_text="Employees")
    title = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=120, blank=True)
    engagement_score = models.FloatField(null=True, blank=True, help_text="0..1")
    quality_score = models.FloatField(null=True, blank=True, help_text="0..1")
    email_opens = models.PositiveIntegerField(null=True, blank=True)
    website_visits = models.PositiveIntegerField(null=True, blank=True)
    content_downloads = models.PositiveIntegerField(null=True, blank=True)
    days_since_contact = models.PositiveIntegerField(null=True, blank=True)
    # Recency as dates: scoring computes the days since them when it scores, so a quiet lead decays.
    last_contact_at = models.DateTimeField(null=True, blank=True)
    last_engagement_at = models.DateTimeField(null=True, blank=True)
    attributes = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Loop 1: the recipe execution that generated and kept this lead, and its rank there (1 = best).
    execution = models.ForeignKey(
        "leads.Execution", null=True, blank=True, on_delete=models.CASCADE, related_name="leads"
    )
    rank = models.PositiveIntegerField(null=True, blank=True)
    # Near-miss exploration (docs/leads.md): a lead kept although it failed exactly this one criterion,
    # and the probability it had of being kept (1 for a lead that met every preference).
    exploration_criterion = models.CharField(max_length=20, blank=True)
    keep_probability = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "external_id"],
                condition=Q(external_id__isnull=False),
                name="lead_external_id_unique_per_workspace",
            )
        ]
        indexes = [
            models.Index(fields=["workspace", "created_at"]),
            # The few near misses, found without reading every lead (figures that leave them out).
            models.Index(fields=["workspace"], condition=~Q(exploration_criterion=""), name="lead_near_miss"),
        ]

    def __str__(self):
        return self.name or self.external_id or str(self.id)

    @property
    def exploration_label(self):
        """ "failed industry": what the near-miss badge says; "" for a lead that met every preference."""
        return f"failed {self.exploration_criterion.replace('_', ' ')}" if self.exploration_criterion else ""
