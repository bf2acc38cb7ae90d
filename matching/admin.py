from django.contrib import admin

from matching.models import (
    Candidate,
    Choice,
    Factor,
    Interaction,
    MatchingSession,
    Recommendation,
    WeightVersion,
)


@admin.register(Factor)
class FactorAdmin(admin.ModelAdmin):
    list_display = ("key", "label", "workspace", "higher_is_better", "dimension", "default_weight")
    list_filter = ("workspace", "dimension", "higher_is_better")
    search_fields = ("key", "label")


@admin.register(Candidate)
class CandidateAdmin(admin.ModelAdmin):
    list_display = ("name", "workspace", "active", "created_at")
    list_filter = ("workspace", "active")
    search_fields = ("name", "description")


@admin.register(WeightVersion)
class WeightVersionAdmin(admin.ModelAdmin):
    list_display = ("number", "workspace", "n_sessions", "confidence", "log_likelihood", "created_at")
    list_filter = ("workspace",)
    search_fields = ("number",)


class RecommendationInline(admin.TabularInline):
    model = Recommendation
    extra = 0
    fields = ("rank", "candidate", "score", "probability", "explanation")
    readonly_fields = fields


@admin.register(MatchingSession)
class MatchingSessionAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "workspace",
        "customer_ref",
        "segment",
        "complexity",
        "weights_source",
        "created_at",
    )
    list_filter = ("workspace", "segment", "complexity", "weights_source", "imported")
    search_fields = ("customer_ref", "id")
    inlines = [RecommendationInline]


@admin.register(Recommendation)
class RecommendationAdmin(admin.ModelAdmin):
    list_display = ("session", "rank", "candidate", "score", "probability")
    list_filter = ("workspace",)
    search_fields = ("candidate__name", "explanation")


@admin.register(Choice)
class ChoiceAdmin(admin.ModelAdmin):
    list_display = ("session", "candidate", "chosen_rank", "satisfaction", "created_at")
    list_filter = ("workspace", "satisfaction")
    search_fields = ("candidate__name", "reasoning", "outcome")


@admin.register(Interaction)
class InteractionAdmin(admin.ModelAdmin):
    list_display = ("session", "interaction_type", "recommendation", "helpful_rating", "created_at")
    list_filter = ("workspace", "interaction_type", "helpful_rating")
    search_fields = ("viewed_explanation_level",)
