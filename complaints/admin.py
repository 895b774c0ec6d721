from django.contrib import admin

from complaints.models import ComplaintCategory, DifficultType


@admin.register(ComplaintCategory)
class ComplaintCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "position", "department", "is_active"]
    list_editable = ["position", "department", "is_active"]


@admin.register(DifficultType)
class DifficultTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "position"]
