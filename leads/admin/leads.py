"""Admin of the leads themselves."""

from django.contrib import admin

from leads.models import Lead


@admin.register(Lead)
class LeadAdmin(admin.ModelAdmin):
    list_display = ["__str__", "company", "title", "industry", "location", "workspace", "created_at"]
    list_filter = ["workspace", "industry", "source"]
    search_fields = ["name", "email", "company", "external_id", "title"]
    date_hierarchy = "created_at"
