from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import F

from servicedesk.models import (
    AuditLog,
    Department,
    DepartmentNotice,
    Heartbeat,
    Notification,
    Region,
    ServicePoint,
    StaffProfile,
)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(ServicePoint)
class ServicePointAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region", "phone", "is_active"]
    list_filter = ["region", "is_active"]
    search_fields = ["code", "name"]

    def save_model(self, request, obj, form, change):
        if change:
            # A settings form a supervisor has open becomes stale (R-settings-1): no lost update.
            obj.settings_version = F("settings_version") + 1
        super().save_model(request, obj, form, change)
        obj.refresh_from_db(fields=["settings_version"])


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "point", "contact", "message_phone", "is_active"]
    list_filter = ["point", "is_active"]
    fields = ["name", "point", "contact", "message_phone", "is_active"]


@admin.register(DepartmentNotice)
class DepartmentNoticeAdmin(admin.ModelAdmin):
    """Written by the services only; the admin reads them."""

    list_display = ["created_at", "point", "department", "subject", "read_at", "read_by"]
    list_filter = ["point", "department"]
    list_select_related = ["point", "department", "read_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    fk_name = "user"
    can_delete = False
    filter_horizontal = ["managed_points"]


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    inlines = [StaffProfileInline]
    list_select_related = ["staff_profile", "staff_profile__point"]
    list_display = ["username", "staff_name", "staff_role", "staff_point", "is_active"]

    @admin.display(description="name")
    def staff_name(self, obj):
        return getattr(getattr(obj, "staff_profile", None), "display_name", "")

    @admin.display(description="role")
    def staff_role(self, obj):
        profile = getattr(obj, "staff_profile", None)
        return profile.get_role_display() if profile else ""

    @admin.display(description="point")
    def staff_point(self, obj):
        profile = getattr(obj, "staff_profile", None)
        return profile.point if profile else ""


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    """Read-only: the audit log is append-only, nobody edits or deletes it."""

    list_display = ["at", "actor", "point", "action", "object_type", "object_id", "summary"]
    list_filter = ["action", "point"]
    list_select_related = ["actor", "point"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "seen_at"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The outbox, read only: written by the services, sent by the outbox task."""

    list_display = ["created_at", "point", "kind", "to", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind", "point"]
    list_select_related = ["point"]
    readonly_fields = ["ticket", "notice"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
