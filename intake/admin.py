from django.contrib import admin

from intake.models import Customer


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["name", "masked_phone", "point", "customer_type", "is_vip"]
    list_filter = ["point", "customer_type", "is_vip"]
    search_fields = ["name", "phone"]
    list_select_related = ["point"]
