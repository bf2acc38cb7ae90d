from django.contrib import admin

from feedback.models import FeedbackEntry, FeedbackReport, PairwiseJudgment, PatternCache


@admin.register(FeedbackEntry)
class FeedbackEntryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "workspace", "rating", "thumbs", "framework", "model_name", "short_prompt")
    list_filter = ("workspace", "rating", "thumbs", "framework", "model_name")
    search_fields = ("prompt", "output", "notes", "id")
    date_hierarchy = "created_at"

    @admin.display(description="prompt")
    def short_prompt(self, entry):
        return entry.prompt[:80]


@admin.register(FeedbackReport)
class FeedbackReportAdmin(admin.ModelAdmin):
    list_display = (
        "period",
        "period_type",
        "workspace",
        "total_prompts",
        "success_rate",
        "improvement_vs_previous",
    )
    list_filter = ("workspace", "period_type")
    search_fields = ("period",)


@admin.register(PatternCache)
class PatternCacheAdmin(admin.ModelAdmin):
    list_display = ("day", "key", "workspace", "created_at")
    list_filter = ("workspace", "day")
    search_fields = ("key",)


@admin.register(PairwiseJudgment)
class PairwiseJudgmentAdmin(admin.ModelAdmin):
    list_display = ("created_at", "workspace", "verdict", "left_variant", "left_framework", "left_model",
                    "right_variant", "right_framework", "right_model")  # fmt: skip
    list_filter = ("workspace", "verdict")
    search_fields = ("prompt", "left_output", "right_output", "id")
    date_hierarchy = "created_at"
    raw_id_fields = ("created_by", "token")
