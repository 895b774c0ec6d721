from django.contrib import admin

from followups.models import Callback, CallbackDecision, CallbackReport, Question


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    """The callback questionnaire is data: administrators edit the questions and their order."""

    list_display = ["position", "text", "kind", "is_active"]
    list_editable = ["text", "kind", "is_active"]
    ordering = ["position"]


@admin.register(Callback)
class CallbackAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "point",
        "kind",
        "status",
        "window_start",
        "due_at",
        "attempts",
        "outcome",
    ]
    list_filter = ["point", "kind", "status", "outcome"]
    list_select_related = ["point"]
    readonly_fields = [f.name for f in Callback._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(CallbackDecision)
class CallbackDecisionAdmin(admin.ModelAdmin):
    list_display = ["ticket", "selected", "reason", "sample_value", "sample_rate", "decided_at"]
    list_filter = ["selected", "reason"]
    readonly_fields = [f.name for f in CallbackDecision._meta.fields]


@admin.register(CallbackReport)
class CallbackReportAdmin(admin.ModelAdmin):
    list_display = ["point", "month", "generated_at"]
    list_filter = ["point"]
    readonly_fields = ["point", "month", "generated_at", "data"]
