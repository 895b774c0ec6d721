"""Loaner phones (备用机): a point's spare phones, lent to customers while a repair takes long
(rules#loaners). A loaner's status moves only through ``loaners.transitions``; every lend and
return is a ``Loan`` row, so a loaner's history is its loans."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from intake.validators import clean_imei
from servicedesk.tenancy import TenantModel


def validate_imei(value: str) -> None:
    """The project's IMEI check (15 digits, Luhn); a loaner always has one."""
    clean_imei(value)


class LoanerStatus(models.TextChoices):
    AVAILABLE = "available", _("Available")
    LENT = "lent", _("Lent out")
    RETIRED = "retired", _("Retired")


class Loaner(TenantModel):
    """One spare phone of a point."""

    model_name = models.CharField(_("model"), max_length=64)
    imei = models.CharField(_("IMEI"), max_length=15, validators=[validate_imei])
    condition = models.CharField(_("condition"), max_length=200, blank=True)
    deposit_amount = models.DecimalField(_("deposit"), max_digits=10, decimal_places=2, default=0)
    status = models.CharField(
        _("status"), max_length=16, choices=LoanerStatus.choices, default=LoanerStatus.AVAILABLE
    )
    notes = models.CharField(_("notes"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("loaner phone")
        verbose_name_plural = _("loaner phones")
        ordering = ["model_name", "imei"]
        constraints = [
            models.UniqueConstraint(fields=["point", "imei"], name="loaner_unique_imei_per_point"),
            models.CheckConstraint(
                condition=Q(deposit_amount__gte=0), name="loaner_deposit_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.model_name} · {self.imei}"


class Loan(TenantModel):
    """One lend of a loaner to a customer, open until it is returned."""

    loaner = models.ForeignKey(
        Loaner, on_delete=models.PROTECT, related_name="loans", verbose_name=_("loaner phone")
    )
    customer = models.ForeignKey(
        "intake.Customer", on_delete=models.PROTECT, related_name="+", verbose_name=_("customer")
    )
    ticket = models.ForeignKey(
        "repairs.RepairTicket",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("repair record"),
    )
    lent_at = models.DateTimeField(_("lent at"))
    lent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("lent by"),
    )
    expected_back = models.DateField(_("expected back"))
    signature_png = models.BinaryField(_("signature"), editable=False)
    deposit_taken = models.DecimalField(
        _("deposit taken"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    condition_on_lend = models.CharField(_("condition when lent"), max_length=200, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("returned to"),
    )
    condition_on_return = models.CharField(_("condition on return"), max_length=200, blank=True)
    return_note = models.CharField(_("return note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("loan")
        verbose_name_plural = _("loans")
        ordering = ["-lent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["loaner"],
                condition=Q(returned_at__isnull=True),
                name="loan_one_open_per_loaner",
            ),
            models.UniqueConstraint(
                fields=["customer", "ticket"],
                condition=Q(returned_at__isnull=True),
                name="loan_one_open_per_customer_ticket",
            ),
            models.CheckConstraint(
                condition=Q(deposit_taken__isnull=True) | Q(deposit_taken__gte=0),
                name="loan_deposit_not_negative",
            ),
        ]
        indexes = [
            models.Index(
                fields=["point", "expected_back"],
                condition=Q(returned_at__isnull=True),
                name="loan_open_by_expected_back",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.loaner} → {self.customer_id}"

    @property
    def is_open(self) -> bool:
        return self.returned_at is None

    def is_overdue(self, today: dt.date) -> bool:
        """Overdue: still out after the expected day, or the repaired phone went home already."""
        if not self.is_open:
            return False
        handed_over = self.ticket is not None and self.ticket.handed_over_at is not None
        return self.expected_back < today or handed_over
