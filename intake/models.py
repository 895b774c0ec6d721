"""Front desk records: customers (and, as intake lands, devices, visits and message slips)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from intake.phones import display_phone, mask_phone
from servicedesk.tenancy import TenantModel


class CustomerType(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    ENTERPRISE = "enterprise", _("Enterprise account")
    GOVERNMENT = "government", _("Government account")


class Customer(TenantModel):
    """A customer of one service point. Phones are stored in E.164 form."""

    name = models.CharField(_("name"), max_length=64)
    phone = models.CharField(_("phone"), max_length=20)
    alt_phone = models.CharField(_("alternative contact"), max_length=20, blank=True)
    customer_type = models.CharField(
        _("customer type"),
        max_length=16,
        choices=CustomerType.choices,
        default=CustomerType.INDIVIDUAL,
    )
    company = models.CharField(_("company"), max_length=100, blank=True)
    is_vip = models.BooleanField(_("VIP"), default=False)
    special_attention_since = models.DateField(
        _("special attention since"),
        null=True,
        blank=True,
        help_text=_(
            "Set the day after a complaint is resolved: every later service is called back."
        ),
    )
    has_complained = models.BooleanField(_("has complained"), default=False)
    notes = models.TextField(_("notes"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["point", "phone"], name="customer_point_phone"),
            models.Index(fields=["point", "name"], name="customer_point_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.masked_phone}"

    @property
    def display_phone(self) -> str:
        return display_phone(self.phone)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def is_key_customer(self) -> bool:
        """DOMAIN 6: key customers (重点客户) are always called back."""
        return bool(
            self.is_vip
            or self.customer_type != CustomerType.INDIVIDUAL
            or self.has_complained
            or self.special_attention_since
        )

    @property
    def key_flags(self) -> list[str]:
        flags = []
        if self.is_vip:
            flags.append(str(_("VIP")))
        if self.customer_type == CustomerType.ENTERPRISE:
            flags.append(str(_("Enterprise")))
        elif self.customer_type == CustomerType.GOVERNMENT:
            flags.append(str(_("Government")))
        if self.special_attention_since:
            flags.append(str(_("Special attention")))
        if self.has_complained:
            flags.append(str(_("Complained")))
        return flags
