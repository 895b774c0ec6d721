from django.contrib import admin

from repairs.models import RepairTicket, RepairType, WarrantyPolicy


@admin.register(WarrantyPolicy)
class WarrantyPolicyAdmin(admin.ModelAdmin):
    list_display = ["name", "brand", "return_days", "exchange_days", "repair_days", "is_default"]


@admin.register(RepairType)
class RepairTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "labor_fee", "point", "is_active"]
    list_filter = ["point", "is_active"]
    search_fields = ["code", "name"]


@admin.register(RepairTicket)
class RepairTicketAdmin(admin.ModelAdmin):
    """Read-only: tickets change through the front desk and repair services only."""

    list_display = ["number", "point", "status", "warranty_status", "created_at"]
    list_filter = ["point", "status", "warranty_status"]
    search_fields = ["number"]
    list_select_related = ["point"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
