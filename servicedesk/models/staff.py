"""The departments notices go to, and the staff profiles with their roles."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from servicedesk.models.points import (
    CERTIFIED_ROLES,
    POINT_ROLES,
    READ_ONLY_ROLES,
    Region,
    Role,
    ServicePoint,
)


class Department(models.Model):
    """A department that suggestions and complaint notices are forwarded to (rules#hotline, 6).

    ``point`` empty means a network-wide department (e.g. the brand's quality department)."""

    point = models.ForeignKey(
        ServicePoint,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="departments",
        verbose_name=_("service point"),
    )
    name = models.CharField(_("name"), max_length=100)
    contact = models.CharField(_("contact"), max_length=100, blank=True)
    #: rules#callbacks: the department's notices also go out by SMS to this number, through the
    #: outbox, when it is set.
    message_phone = models.CharField(
        _("mobile for messages"),
        max_length=20,
        blank=True,
        help_text=_(
            "When set, each notice for this department is also sent to this mobile number by SMS."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)

    tenant_field = "point"

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.message_phone:
            from servicedesk.phones import normalize_phone

            try:
                self.message_phone = normalize_phone(self.message_phone)
            except ValidationError as exc:
                raise ValidationError({"message_phone": exc.messages}) from exc


class StaffProfile(models.Model):
    """A staff member's place in the network: point (or region), role and staff number (工号)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_profile",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    point = models.ForeignKey(
        ServicePoint,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("service point"),
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("region"),
        help_text=_("Only for regional service center staff."),
    )
    managed_points = models.ManyToManyField(
        ServicePoint,
        blank=True,
        related_name="managers",
        verbose_name=_("further managed points"),
        help_text=_("A service manager who covers several points sees all of them."),
    )
    staff_number = models.CharField(_("staff number"), max_length=32, unique=True)
    display_name = models.CharField(pgettext_lazy("person", "name"), max_length=64)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    certificate_number = models.CharField(_("certificate number"), max_length=64, blank=True)
    certificate_expires = models.DateField(_("certificate expires"), null=True, blank=True)
    department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("department"),
        help_text=_("Its members see the department's notices on their home page."),
    )

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")
        ordering = ["staff_number"]
        constraints = [
            models.CheckConstraint(
                name="staff_point_or_region_matches_role",
                condition=(
                    models.Q(role__in=sorted(POINT_ROLES), point__isnull=False)
                    | models.Q(role=Role.REGIONAL_CENTER, region__isnull=False, point__isnull=True)
                    | models.Q(role=Role.ADMIN)
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} · {self.staff_number}"

    @property
    def is_read_only(self) -> bool:
        return self.role in READ_ONLY_ROLES

    @property
    def needs_certificate(self) -> bool:
        return self.role in CERTIFIED_ROLES

    def certificate_valid_on(self, day: dt.date) -> bool:
        """rules#tenancy (持证上岗): a receiving or repairing role needs an unexpired
        certificate."""
        if not self.needs_certificate:
            return True
        return bool(
            self.certificate_number
            and self.certificate_expires is not None
            and self.certificate_expires >= day
        )

    @property
    def certificate_valid(self) -> bool:
        return self.certificate_valid_on(timezone.localdate())
