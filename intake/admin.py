from django.contrib import admin

from intake.models import Customer, Device, MessageSlip, Visit


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["name", "masked_phone", "point", "customer_type", "is_vip"]
    list_filter = ["point", "customer_type", "is_vip"]
    search_fields = ["name", "phone"]
    list_select_related = ["point"]


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    list_display = ["model_name", "imei", "serial_number", "point"]
    search_fields = ["imei", "serial_number"]
    list_select_related = ["point"]


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ["arrived_at", "channel", "purpose", "status", "point"]
    list_filter = ["point", "channel", "purpose", "status"]
    list_select_related = ["point"]


@admin.register(MessageSlip)
class MessageSlipAdmin(admin.ModelAdmin):
    list_display = ["taken_at", "caller_name", "addressee", "callback_due_at", "status", "point"]
    list_filter = ["point", "status"]
    list_select_related = ["point", "addressee"]
