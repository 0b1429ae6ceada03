"""Open311 GeoReport v2 integrations: who may post requests, and the requests they posted."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from langnghe.intake.models import Item
from langnghe.orgs.models import Organisation


class Integration(models.Model):
    """An outside system (a city app, a hotline's software) allowed to post requests.

    Its key is stored only as a SHA-256 hash. Each integration submits through an account of its
    own (`account`) holding a reception grant on the receiving organisation, as a clerk at the
    desk would: the items it brings are staff-entered in the spine's terms, the audit trail names
    it, and the account has no password and is refused by the staff API.
    """

    name = models.CharField(_("tên hệ thống"), max_length=120, unique=True)
    receiving_org = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="open311_integrations",
        verbose_name=_("đơn vị tiếp nhận"),
    )
    key_hash = models.CharField(max_length=64, unique=True)
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="open311_integration",
        verbose_name=_("tài khoản hệ thống"),
    )
    contact = models.CharField(_("liên hệ kỹ thuật"), max_length=200, blank=True)
    active = models.BooleanField(_("đang hoạt động"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("hệ thống kết nối Open311")
        verbose_name_plural = _("hệ thống kết nối Open311")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ServiceRequest(models.Model):
    """The link between an item and the integration that posted it, with the token GeoReport
    clients may poll (tokens/<token>)."""

    item = models.OneToOneField(Item, on_delete=models.CASCADE, related_name="open311_request")
    integration = models.ForeignKey(Integration, on_delete=models.PROTECT, related_name="requests")
    token = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("yêu cầu Open311")
        verbose_name_plural = _("yêu cầu Open311")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.integration.name}: {self.item.code}"
