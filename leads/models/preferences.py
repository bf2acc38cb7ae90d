"""A workspace's lead preferences (one current set) and the history of its changes."""

from django.conf import settings
from django.db import models

from leads.filtering import LeadPreferences
from workspaces.models import ActedByMixin, ApiToken, WorkspaceScopedModel

# The preference fields, in the seed's words, in the order forms and history show them.
PREFERENCE_FIELDS = (
    "preferred_industries",
    "min_engagement_score",
    "company_size_min",
    "company_size_max",
    "geographic_focus",
    "seniority_levels",
    "lead_quality_threshold",
    "max_leads_per_execution",
)

# The exploration settings: saved with the preferences (and in their history), not part of filtering.
EXPLORATION_FIELDS = ("exploration_share", "exploration_max_per_run")


class PreferenceSet(WorkspaceScopedModel):
    """Which leads the team wants; every field optional, an empty one filters nothing."""

    preferred_industries = models.JSONField(default=list, blank=True)
    min_engagement_score = models.FloatField(null=True, blank=True, help_text="0..1")
    company_size_min = models.PositiveIntegerField(null=True, blank=True)
    company_size_max = models.PositiveIntegerField(null=True, blank=True)
    geographic_focus = models.JSONField(default=list, blank=True)
    seniority_levels = models.JSONField(default=list, blank=True)
    lead_quality_threshold = models.FloatField(null=True, blank=True, help_text="0..1")
    max_leads_per_execution = models.PositiveIntegerField(null=True, blank=True)
    # Near-miss exploration: the share of the leads that failed exactly one criterion that a run
    # keeps anyway (at most a few per run), so the team's feedback can show a criterion is wrong.
    exploration_share = models.FloatField(default=0.05, help_text="0..0.5")
    exploration_max_per_run = models.PositiveIntegerField(default=3)
    # The fraction of a near miss owed to exploration, carried from run to run (deterministic).
    exploration_credit = models.FloatField(default=0.0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workspace"], name="one_preference_set_per_workspace")]

    def __str__(self):
        return f"Lead preferences of {self.workspace}"

    def exploration_values(self):
        return {name: getattr(self, name) for name in EXPLORATION_FIELDS}

    def values(self):
        """The preferences as plain data (what the history stores)."""
        return {name: getattr(self, name) for name in PREFERENCE_FIELDS}

    def as_api(self):
        """The seed's shape: ``company_size_range`` as ``{"min", "max"}``."""
        data = self.values()
        data["company_size_range"] = {
            "min": data.pop("company_size_min"),
            "max": data.pop("company_size_max"),
        }
        data["updated_at"] = self.updated_at
        return data

    def to_filter(self):
        return LeadPreferences(
            preferred_industries=tuple(self.preferred_industries or ()),
            min_engagement_score=self.min_engagement_score,
            company_size_min=self.company_size_min,
            company_size_max=self.company_size_max,
            geographic_focus=tuple(self.geographic_focus or ()),
            seniority_levels=tuple(self.seniority_levels or ()),
            lead_quality_threshold=self.lead_quality_threshold,
            max_leads_per_execution=self.max_leads_per_execution,
        )

    @classmethod
    def from_values(cls, values):
        return cls(**{name: values.get(name) for name in PREFERENCE_FIELDS})


class PreferenceRevision(ActedByMixin, WorkspaceScopedModel):
    """One saved change of the preferences: the values after it, what changed, and who did it."""

    values = models.JSONField(default=dict)
    changed = models.JSONField(default=dict, help_text="field -> [before, after]")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    token = models.ForeignKey(ApiToken, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Preferences changed {self.created_at:%Y-%m-%d %H:%M}"


class SuggestionDismissal(ActedByMixin, WorkspaceScopedModel):
    """A preference suggestion the team dismissed, with the evidence it had then: the same suggestion
    comes back only when its evidence has grown materially (see leads.preference_learning)."""

    key = models.CharField(max_length=200, help_text="e.g. add:industry:retail")
    evidence_n = models.PositiveIntegerField(default=0)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    token = models.ForeignKey(ApiToken, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "key"], name="one_dismissal_per_suggestion")
        ]

    def __str__(self):
        return f"Dismissed suggestion {self.key}"
