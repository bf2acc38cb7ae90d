from django.contrib import admin

from content.models import (
    Brand,
    DailyMetric,
    Experiment,
    MetricImport,
    Post,
    WinnerDecision,
    WinnerPolicy,
    WinnerRun,
    WinningCopy,
)


@admin.register(WinnerPolicy)
class WinnerPolicyAdmin(admin.ModelAdmin):
    list_display = ("workspace", "metric", "threshold", "min_impressions")
    list_filter = ("metric",)
    search_fields = ("workspace__name",)


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    list_display = ("name", "workspace", "created_at")
    list_filter = ("workspace",)
    search_fields = ("name",)


@admin.register(Experiment)
class ExperimentAdmin(admin.ModelAdmin):
    list_display = ("name", "brand", "workspace", "created_at")
    list_filter = ("workspace",)
    search_fields = ("name", "brand__name")


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ("external_id", "brand", "experiment", "variant", "platform", "workspace")
    list_filter = ("platform", "variant", "workspace")
    search_fields = ("external_id", "text", "brand__name", "experiment__name")


@admin.register(DailyMetric)
class DailyMetricAdmin(admin.ModelAdmin):
    list_display = ("post", "date", "impressions", "clicks", "conversions", "revenue", "workspace")
    list_filter = ("date", "workspace")
    search_fields = ("post__external_id",)
    date_hierarchy = "date"


@admin.register(MetricImport)
class MetricImportAdmin(admin.ModelAdmin):
    list_display = ("file_name", "status", "total_rows", "ingested_rows", "workspace", "created_at")
    list_filter = ("status", "workspace")
    search_fields = ("file_name",)
    exclude = ("csv_text",)


@admin.register(WinnerRun)
class WinnerRunAdmin(admin.ModelAdmin):
    list_display = (
        "run_date",
        "trigger",
        "status",
        "brands_processed",
        "winners_identified",
        "errors",
        "workspace",
    )
    list_filter = ("status", "trigger", "workspace")
    search_fields = ("workspace__name",)


@admin.register(WinnerDecision)
class WinnerDecisionAdmin(admin.ModelAdmin):
    list_display = ("experiment", "decided_for", "status", "winner_variant", "metric", "srm_flagged")
    list_filter = ("status", "metric", "srm_flagged", "workspace")
    search_fields = ("experiment__name", "experiment__brand__name", "reason")


@admin.register(WinningCopy)
class WinningCopyAdmin(admin.ModelAdmin):
    list_display = (
        "brand",
        "experiment",
        "variant",
        "prob_best",
        "decided_on",
        "is_current",
        "embedding_backend",
    )
    list_filter = ("is_current", "embedding_backend", "metric", "workspace")
    search_fields = ("text", "brand__name", "experiment__name")
    exclude = ("embedding",)
