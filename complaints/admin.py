from django.contrib import admin

from complaints.models import ComplaintCategory, DifficultType


@admin.register(ComplaintCategory)
class ComplaintCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "position", "is_active"]
    list_editable = ["position", "is_active"]


@admin.register(DifficultType)
class DifficultTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "position"]
