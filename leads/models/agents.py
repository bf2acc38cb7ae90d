"""Lead-generating agents and the recipes (named searches) they run."""

import json

from django.db import models

from workspaces.models import WorkspaceScopedModel


class LeadSource(models.TextChoices):
    HTTP = "http", "External agent over HTTP"
    PUSH = "push", "Leads pushed through the API"
    CSV = "csv", "CSV upload"
    DEMO = "demo", "Built-in demo generator"


class Agent(WorkspaceScopedModel):
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    source = models.CharField(max_length=10, choices=LeadSource.choices, default=LeadSource.HTTP)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="agent_name_unique_per_workspace")
        ]

    def __str__(self):
        return self.name


class Recipe(WorkspaceScopedModel):
    """A named search run by one agent, e.g. "AI startup founders", with its input parameters."""

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="recipes")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    input_data = models.JSONField(
        default=dict, blank=True, help_text='e.g. {"search_query": "AI startup founders"}'
    )
    endpoint_url = models.URLField(
        max_length=500, blank=True, help_text="For external HTTP agents: where the worker POSTs the input."
    )
    demo_lead_count = models.PositiveIntegerField(default=25, help_text="For the demo generator.")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def input_json(self):
        return json.dumps(self.input_data or {}, ensure_ascii=False)
