"""Supervisor queue filters (rules#complaints)."""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint, ComplaintCategory, Stage
from servicedesk.models import ServicePoint
from servicedesk.tenancy import scoped

SORTS = {
    "overdue": ("overdue_since", "promised_reply_at"),
    "oldest": ("created_at",),
    "newest": ("-created_at",),
    "promise": ("promised_reply_at",),
}


class AllYesNo(forms.NullBooleanSelect):
    """全部 / 是 / 否: a yes-no filter whose empty choice means all, not "unknown"."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("unknown", _("All")), ("true", _("Yes")), ("false", _("No"))]


class ComplaintFilter(django_filters.FilterSet):
    stage = django_filters.ChoiceFilter(
        choices=Stage.choices, label=_("Stage"), empty_label=_("All")
    )
    category = django_filters.ModelChoiceFilter(
        queryset=ComplaintCategory.objects.all(), label=_("Category"), empty_label=_("All")
    )
    owner = django_filters.ModelChoiceFilter(queryset=None, label=_("Owner"), empty_label=_("All"))
    overdue = django_filters.BooleanFilter(
        field_name="overdue_since",
        lookup_expr="isnull",
        exclude=True,
        label=_("Overdue"),
        widget=AllYesNo,
    )
    escalated = django_filters.BooleanFilter(
        field_name="escalated_at",
        lookup_expr="isnull",
        exclude=True,
        label=_("Escalated"),
        widget=AllYesNo,
    )
    older_than_days = django_filters.NumberFilter(
        method="filter_age", label=_("Older than (days)"), min_value=0, max_value=3650
    )
    point = django_filters.ModelChoiceFilter(
        queryset=None, label=_("Service point"), empty_label=_("All")
    )

    class Meta:
        model = Complaint
        fields = ["stage", "category", "owner", "overdue", "escalated", "point"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        points = scoped(ServicePoint, user)
        self.filters["point"].queryset = points
        self.filters["owner"].queryset = (
            get_user_model()
            .objects.filter(staff_profile__point__in=points)
            .select_related("staff_profile")
        )

    def filter_age(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(created_at__lte=timezone.now() - dt.timedelta(days=int(value)))
