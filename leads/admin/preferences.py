"""Admin of lead preferences and their history, agents, recipes, executions, lead feedback."""

from django.contrib import admin

from leads.models import Agent, Execution, LeadFeedback, PreferenceRevision, PreferenceSet, Recipe


@admin.register(PreferenceSet)
class PreferenceSetAdmin(admin.ModelAdmin):
    list_display = [
        "workspace",
        "min_engagement_score",
        "lead_quality_threshold",
        "max_leads_per_execution",
        "updated_at",
    ]
    list_filter = ["workspace"]
    search_fields = ["workspace__name", "workspace__slug"]


@admin.register(PreferenceRevision)
class PreferenceRevisionAdmin(admin.ModelAdmin):
    list_display = ["workspace", "created_at", "actor", "token"]
    list_filter = ["workspace"]
    search_fields = ["workspace__name", "actor__username"]
    date_hierarchy = "created_at"


@admin.register(Agent)
class AgentAdmin(admin.ModelAdmin):
    list_display = ["name", "source", "workspace", "created_at"]
    list_filter = ["workspace", "source"]
    search_fields = ["name", "description"]


@admin.register(Recipe)
class RecipeAdmin(admin.ModelAdmin):
    list_display = ["name", "agent", "endpoint_url", "workspace", "created_at"]
    list_filter = ["workspace", "agent__source"]
    search_fields = ["name", "description", "agent__name", "endpoint_url"]


@admin.register(Execution)
class ExecutionAdmin(admin.ModelAdmin):
    list_display = ["recipe", "agent", "status", "leads_generated", "leads_kept", "duration_ms", "created_at"]
    list_filter = ["workspace", "status", "source"]
    search_fields = ["recipe__name", "agent__name", "error"]
    date_hierarchy = "created_at"
    raw_id_fields = ["recipe", "agent", "requested_by", "token"]


@admin.register(LeadFeedback)
class LeadFeedbackAdmin(admin.ModelAdmin):
    list_display = ["lead", "user", "useful", "relevant", "conversion_status", "quality_score", "updated_at"]
    list_filter = ["workspace", "conversion_status", "useful", "relevant"]
    search_fields = ["lead__name", "feedback_text", "user__username"]
    raw_id_fields = ["lead", "execution", "user", "token"]
