"""Export jobs: the monthly files for the regional center and on-demand ranges."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servicedesk.models import ServicePoint


class ExportKind(models.TextChoices):
    MONTHLY = "monthly", _("Monthly report to the regional center")
    ON_DEMAND = "on_demand", _("On demand")
    CLAIM = "claim", _("Monthly warranty claim")


#: The kinds beat makes on the 1st for the previous month, one file per point and month each.
MONTHLY_KINDS = (ExportKind.MONTHLY, ExportKind.CLAIM)


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class ExportJob(models.Model):
    """One CSV file of a point's repair records for a date range (rules#export).

    Written by a Celery task to a temporary file and moved into place atomically, so a download
    never sees a half-written file; a monthly file is unique per point and month and is replaced,
    never duplicated, when the month is exported again."""

    point = models.ForeignKey(
        ServicePoint,
        on_delete=models.PROTECT,
        related_name="exports",
        verbose_name=_("service point"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ExportKind.choices)
    date_from = models.DateField(_("from"))
    date_to = models.DateField(_("to (inclusive)"))
    status = models.CharField(
        _("status"), max_length=16, choices=ExportStatus.choices, default=ExportStatus.PENDING
    )
    rows_total = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    file_name = models.CharField(_("file"), max_length=255, blank=True)
    file_size = models.PositiveBigIntegerField(_("size (bytes)"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=255, blank=True)

    tenant_field = "point"

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["point", "date_from"],
                condition=models.Q(kind="monthly"),
                name="one_monthly_export_per_point_and_month",
            ),
            models.UniqueConstraint(
                fields=["point", "date_from"],
                condition=models.Q(kind="claim"),
                name="one_warranty_claim_per_point_and_month",
            ),
            models.CheckConstraint(
                name="export_range_in_order", condition=models.Q(date_from__lte=models.F("date_to"))
            ),
        ]
        indexes = [
            models.Index(fields=["point", "kind", "-date_from"], name="export_point_kind_from")
        ]

    def __str__(self) -> str:
        return f"{self.point_id} {self.date_from}–{self.date_to}"

    @property
    def progress_percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, int(100 * self.rows_done / self.rows_total))
