from django.contrib import admin

from loaners.models import Loan, Loaner


@admin.register(Loaner)
class LoanerAdmin(admin.ModelAdmin):
    list_display = ["id", "point", "model_name", "imei", "status", "deposit_amount"]
    list_filter = ["point", "status"]
    search_fields = ["imei", "model_name"]
    list_select_related = ["point"]
    # The status moves only through the loaner's services (lend, take back, retire).
    readonly_fields = ["status"]


@admin.register(Loan)
class LoanAdmin(admin.ModelAdmin):
    list_display = ["id", "point", "loaner", "customer", "lent_at", "expected_back", "returned_at"]
    list_filter = ["point"]
    list_select_related = ["point", "loaner"]
    raw_id_fields = ["loaner", "customer", "ticket"]
    readonly_fields = [f.name for f in Loan._meta.fields]
