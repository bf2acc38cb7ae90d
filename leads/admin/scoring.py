"""Admin of lead scoring: outcomes, score history, the model registry (with rollback), settings, imports."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from leads.models import LeadImport, LeadScore, Outcome, ScoringModelVersion, ScoringSettings
from leads.services.scoring.champion import make_champion


@admin.register(Outcome)
class OutcomeAdmin(admin.ModelAdmin):
    list_display = ["lead", "won", "source", "reason", "recorded_at", "workspace"]
    list_filter = ["workspace", "won", "source"]
    search_fields = ["lead__external_id", "lead__name", "reason", "idempotency_key"]
    raw_id_fields = ["lead", "recorded_by", "token"]


@admin.register(LeadScore)
class LeadScoreAdmin(admin.ModelAdmin):
    list_display = ["lead", "display_score", "risk_category", "model_version", "created_at", "workspace"]
    list_filter = ["workspace", "risk_category", "model_version"]
    search_fields = ["lead__external_id", "lead__name"]
    raw_id_fields = ["lead", "model"]


@admin.action(description="Make the selected version the champion (rollback)")
def make_selected_champion(modeladmin, request, queryset):
    if queryset.count() != 1:
        modeladmin.message_user(request, "Select exactly one version.", messages.ERROR)
        return
    version = queryset.first()
    try:
        make_champion(version.workspace, version, user=request.user)
    except ValidationError as error:
        modeladmin.message_user(request, " ".join(error.messages), messages.ERROR)
    else:
        modeladmin.message_user(request, f"{version.label} is the champion of {version.workspace}.")


@admin.register(ScoringModelVersion)
class ScoringModelVersionAdmin(admin.ModelAdmin):
    list_display = [
        "label",
        "workspace",
        "decision",
        "training_rows",
        "positives",
        "description",
        "created_at",
        "promoted_at",
    ]
    list_filter = ["workspace", "decision", "trigger"]
    search_fields = ["description", "reason", "data_hash"]
    readonly_fields = ["artifact_name", "artifact_sha256", "data_hash", "metrics", "features"]
    actions = [make_selected_champion]


@admin.register(ScoringSettings)
class ScoringSettingsAdmin(admin.ModelAdmin):
    list_display = [
        "workspace",
        "champion",
        "retrain_threshold",
        "outcomes_since_training",
        "retrain_pending",
        "last_training_at",
    ]
    list_filter = ["retrain_pending"]
    search_fields = ["workspace__name", "workspace__slug"]


@admin.register(LeadImport)
class LeadImportAdmin(admin.ModelAdmin):
    list_display = ["file_name", "workspace", "status", "processed_rows", "error_count", "created_at"]
    list_filter = ["workspace", "status"]
    search_fields = ["file_name"]
