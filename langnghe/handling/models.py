"""Routing rules, the item timeline and answers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from langnghe.intake.models import Item, Kind, Topic
from langnghe.orgs.models import AdminUnit, Organisation


class RoutingRule(models.Model):
    """Topic + location (+ kind) → the competent unit. The most specific active rule wins; the
    conflict rules of DESIGN.md §4 are applied after it (langnghe.handling.routing)."""

    name = models.CharField(_("tên quy tắc"), max_length=120)
    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.CASCADE)
    admin_unit = models.ForeignKey(AdminUnit, null=True, blank=True, on_delete=models.CASCADE)
    kind = models.CharField(max_length=20, choices=Kind.choices, blank=True)
    target = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="routing_rules")
    priority = models.SmallIntegerField(_("ưu tiên"), default=0)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("quy tắc chuyển xử lý")
        verbose_name_plural = _("quy tắc chuyển xử lý")
        ordering = ["-priority", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def specificity(self) -> int:
        return (self.topic_id is not None) + (self.admin_unit_id is not None) + bool(self.kind)


class ItemEvent(models.Model):
    """The item's timeline. `public` events are what the citizen sees through the receipt."""

    class Type(models.TextChoices):
        CREATED = "created", _("Tiếp nhận")
        ROUTED = "routed", _("Chuyển đơn vị xử lý")
        ASSIGNED = "assigned", _("Giao người xử lý")
        TRANSITION = "transition", _("Chuyển trạng thái")
        NOTE = "note", _("Ghi chú nội bộ")
        QUESTION = "question", _("Câu hỏi cho người gửi")
        REPLY = "reply", _("Người gửi trả lời")
        ANSWER = "answer", _("Trả lời")
        PUBLISHED = "published", _("Công khai")
        RATED = "rated", _("Đánh giá")
        MERGED = "merged", _("Gộp ý kiến")
        REMINDER = "reminder", _("Nhắc hạn")
        ESCALATED = "escalated", _("Báo cáo cấp trên do quá hạn")
        ALARM = "alarm", _("Cảnh báo 45 ngày")
        SUCCESSION = "succession", _("Chuyển đơn vị kế thừa")

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    type = models.CharField(max_length=20, choices=Type.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    by_citizen = models.BooleanField(default=False)
    transition = models.CharField(max_length=40, blank=True)
    from_status = models.CharField(max_length=40, blank=True)
    to_status = models.CharField(max_length=40, blank=True)
    body = models.TextField(blank=True)
    public = models.BooleanField(default=False)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("diễn biến")
        verbose_name_plural = _("diễn biến")

    def __str__(self) -> str:
        return f"{self.item_id} {self.type} {self.at:%d/%m/%Y}"


class Answer(models.Model):
    """The unit's answer (or decision, or conclusion): drafted, approved, then sent."""

    class Finding(models.TextChoices):
        TRUE = "true", _("Đúng")
        PARTLY_TRUE = "partly_true", _("Đúng một phần")
        FALSE = "false", _("Sai sự thật")

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="answers")
    body = models.TextField(_("nội dung trả lời"))
    # What the public portal shows: written by staff, never derived from the citizen's text.
    public_summary = models.TextField(_("tóm tắt công khai"), blank=True)
    public_body = models.TextField(_("nội dung công khai"), blank=True)
    finding = models.CharField(max_length=12, choices=Finding.choices, blank=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    drafted_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-drafted_at"]
        verbose_name = _("trả lời")
        verbose_name_plural = _("trả lời")

    def __str__(self) -> str:
        return f"{self.item.code}: {self.body[:60]}"
