from django.contrib import admin

from parts.models import Part, PartStock, StockMovement


@admin.register(Part)
class PartAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "model_name",
        "also_fits",
        "price",
        "must_return",
        "point",
        "is_active",
    ]
    list_filter = ["point", "is_active", "must_return"]
    search_fields = ["code", "name", "model_name", "also_fits"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Stock changes through the parts pages' services only (locked, audited)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PartStock)
class PartStockAdmin(ReadOnlyAdmin):
    list_display = ["part", "point", "on_hand", "reserved", "defective", "reorder_level"]
    list_filter = ["point"]
    list_select_related = ["part", "point"]


@admin.register(StockMovement)
class StockMovementAdmin(ReadOnlyAdmin):
    list_display = ["at", "point", "part", "kind", "quantity", "ticket", "reason"]
    list_filter = ["point", "kind"]
    list_select_related = ["part", "point", "ticket"]
