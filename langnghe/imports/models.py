"""One row of an outside register imported as an item: the key that makes re-runs idempotent."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportedRow(models.Model):
    # sha256 of (organisation, source reference) or, without a reference, of the row's content.
    source_key = models.CharField(_("khóa nguồn"), max_length=64, unique=True)
    item = models.ForeignKey(
        "intake.Item", on_delete=models.PROTECT, related_name="+", verbose_name=_("ý kiến")
    )
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị")
    )
    source_ref = models.CharField(_("số trong sổ gốc"), max_length=120, blank=True)
    file_name = models.CharField(_("tệp nguồn"), max_length=255)
    row_number = models.PositiveIntegerField(_("dòng"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người nhập"),
    )
    created_at = models.DateTimeField(_("thời điểm nhập"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("dòng đã nhập")
        verbose_name_plural = _("dòng đã nhập")

    def __str__(self) -> str:
        return f"{self.file_name}:{self.row_number} → {self.item_id}"
