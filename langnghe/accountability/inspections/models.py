"""Party inspections and supervisions (QĐ 296-QĐ/TW; KT-5, KT-6)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from langnghe.orgs.models import Organisation, Person


class Inspection(models.Model):
    """One inspection or supervision by a party committee or its inspection commission, of an
    organisation and/or a party member. Other apps refer to it (review evidence, discipline)."""

    commission = models.ForeignKey(
        Organisation,
        verbose_name=_("cơ quan tiến hành"),
        on_delete=models.PROTECT,
        related_name="inspections_conducted",
    )
    title = models.CharField(_("tên cuộc kiểm tra"), max_length=255)
    subject_org = models.ForeignKey(
        Organisation,
        verbose_name=_("tổ chức đảng được kiểm tra"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections_received",
    )
    subject_person = models.ForeignKey(
        Person,
        verbose_name=_("đảng viên được kiểm tra"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections_received",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("cuộc kiểm tra, giám sát")
        verbose_name_plural = _("cuộc kiểm tra, giám sát")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title
