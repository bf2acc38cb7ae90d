from django.contrib import admin, messages

from workspaces import services
from workspaces.models import ApiToken, AuditEvent, JobLease, Membership, WorkerHeartbeat, Workspace


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Workspace)
class WorkspaceAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "timezone", "created_at"]
    search_fields = ["name", "slug"]
    list_filter = ["timezone"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "workspace", "role", "created_at"]
    list_filter = ["role", "workspace"]
    search_fields = ["user__username", "workspace__name"]
    autocomplete_fields = ["user", "workspace"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "workspace", "prefix", "can_write", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["can_write", "workspace", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "workspace__name"]
    readonly_fields = ["prefix", "token_hash", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        token, raw = services.issue_token(
            obj.workspace, obj.name, actor=request.user, can_write=obj.can_write
        )
        obj.pk = token.pk
        self.message_user(
            request, f"Token created. Copy it now, it is shown only once: {raw}", messages.WARNING
        )

    @admin.action(description="Revoke selected tokens")
    def revoke(self, request, queryset):
        for token in queryset:
            services.revoke_token(token, actor=request.user)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "workspace", "action", "target", "actor", "token"]
    list_filter = ["action", "workspace"]
    search_fields = ["action", "target", "actor__username"]
    readonly_fields = ["workspace", "actor", "token", "action", "target", "details", "created_at"]


@admin.register(JobLease)
class JobLeaseAdmin(admin.ModelAdmin):
    list_display = ["name", "holder", "expires_at"]
    search_fields = ["name"]


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["created_at", "workspace", "completed_at", "worker_hostname"]
    list_filter = ["workspace"]
    search_fields = ["worker_hostname"]
