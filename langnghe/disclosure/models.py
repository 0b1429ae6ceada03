"""Publications (công khai), the channels they went out on, their attachments and the citizens'
comments on them; cadres' yearly commitments (bản cam kết tu dưỡng, rèn luyện, P99-2)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from langnghe.intake.models import Item
from langnghe.orgs.models import Organisation, Person


class Publication(models.Model):
    class Status(models.TextChoices):
        # Being prepared by staff; the public sees nothing.
        DRAFT = "draft", _("Dự thảo")
        # On the portal; citizens may read it and, inside the window, comment.
        PUBLISHED = "published", _("Đã công khai")
        # Taken down (with a reason); the page says so, comments are closed.
        WITHDRAWN = "withdrawn", _("Đã gỡ")

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("tổ chức công khai"),
        on_delete=models.PROTECT,
        related_name="publications",
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("cán bộ liên quan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="publications",
    )
    category = models.CharField(_("nội dung công khai"), max_length=40, db_index=True)
    title = models.CharField(_("tiêu đề"), max_length=200)
    body = models.TextField(_("nội dung"))
    reference = models.CharField(_("số, ký hiệu văn bản"), max_length=60, blank=True)
    decided_on = models.DateField(_("ngày quyết định, văn bản"))
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    published_on = models.DateField(_("ngày công khai"), null=True, blank=True)
    # DC-2: the last day the publication was due, and whether it went out after it (stored so
    # lists filter and badge on it; computed by the services from the rule book).
    publish_due = models.DateField(_("hạn công khai"), null=True, blank=True)
    publish_due_cite = models.CharField(max_length=40, blank=True)
    is_late = models.BooleanField(_("công khai chậm"), default=False, db_index=True)
    late_reason = models.TextField(_("lý do chậm"), blank=True)
    comments_open_on = models.DateField(_("nhận góp ý từ ngày"), null=True, blank=True)
    comments_close_on = models.DateField(_("nhận góp ý đến ngày"), null=True, blank=True)
    withdrawn_on = models.DateField(_("ngày gỡ"), null=True, blank=True)
    withdraw_reason = models.TextField(_("lý do gỡ"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("nội dung công khai")
        verbose_name_plural = _("nội dung công khai")
        ordering = ["-published_on", "-decided_on", "-pk"]
        indexes = [models.Index(fields=["status", "-published_on"], name="publication_public")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_on__isnull=False),
                name="publication_published_has_date",
            ),
            models.CheckConstraint(
                condition=Q(comments_open_on__isnull=True)
                | Q(comments_close_on__isnull=True)
                | Q(comments_close_on__gte=F("comments_open_on")),
                name="publication_comment_window_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def comments_open(self, day: dt.date) -> bool:
        """The comment window (RULES.md §12 feedback_on_item) is open on `day`."""
        if not self.is_public or self.comments_open_on is None:
            return False
        if day < self.comments_open_on:
            return False
        return self.comments_close_on is None or day <= self.comments_close_on


class PublicationChannel(models.Model):
    """One form a publication went out in (DC-2): where, from when to when."""

    class Kind(models.TextChoices):
        PORTAL = "portal", _("Đăng trên cổng thông tin điện tử")
        POSTING = "posting", _("Niêm yết tại trụ sở, nhà văn hóa")
        LOUDSPEAKER = "loudspeaker", _("Hệ thống truyền thanh (loa)")
        VILLAGE_HEAD = "village_head", _("Qua trưởng thôn, tổ trưởng tổ dân phố")
        FRONT = "front", _("Qua Mặt trận Tổ quốc, các đoàn thể")
        CELL_MEETING = "cell_meeting", _("Sinh hoạt chi bộ, họp thôn")
        CONFERENCE = "conference", _("Hội nghị đối thoại, tiếp xúc cử tri, tiếp công dân")
        MEDIA = "media", _("Báo chí, mạng xã hội")
        LETTER = "letter", _("Gửi văn bản đến công dân")
        OTHER = "other", _("Hình thức khác")

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="channels")
    kind = models.CharField(_("hình thức"), max_length=20, choices=Kind.choices)
    place = models.CharField(_("địa điểm, phương tiện"), max_length=200, blank=True)
    start_on = models.DateField(_("từ ngày"))
    # Empty: a permanent posting (DC-3, Đ11 clauses 4 and 13) or a one-off act.
    end_on = models.DateField(_("đến ngày"), null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hình thức công khai")
        verbose_name_plural = _("hình thức công khai")
        ordering = ["start_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(end_on__gte=F("start_on")),
                name="publicationchannel_period_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.publication}"

    @property
    def days(self) -> int | None:
        """Continuous days, both ends included (DC-3 counts from the day of posting)."""
        if self.end_on is None:
            return None
        return (self.end_on - self.start_on).days + 1


class PublicationAttachment(models.Model):
    """A document published with the text: the sanitised copy only (langnghe.intake.files)."""

    publication = models.ForeignKey(
        Publication, on_delete=models.CASCADE, related_name="attachments"
    )
    name = models.CharField(_("tên tệp"), max_length=120)
    kind = models.CharField(max_length=10)
    file = models.FileField(upload_to="disclosure/%Y/%m/")
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    original_sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tệp công khai")
        verbose_name_plural = _("tệp công khai")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class PublicationComment(models.Model):
    """A citizen's comment on a publication: an item of the spine, linked to what it is about."""

    class Via(models.TextChoices):
        QR = "qr", _("Mã QR trên bản niêm yết")
        WEB = "web", _("Trang công khai")

    publication = models.ForeignKey(Publication, on_delete=models.PROTECT, related_name="comments")
    item = models.OneToOneField(Item, on_delete=models.PROTECT, related_name="publication_comment")
    via = models.CharField(max_length=4, choices=Via.choices, default=Via.WEB)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("góp ý về nội dung công khai")
        verbose_name_plural = _("góp ý về nội dung công khai")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.item.code} → {self.publication_id}"


class CadreCommitment(models.Model):
    """A cadre's yearly commitment to self-cultivation (bản cam kết tu dưỡng, rèn luyện, P99-2)."""

    person = models.ForeignKey(
        Person, verbose_name=_("cán bộ"), on_delete=models.PROTECT, related_name="commitments"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("tổ chức"),
        on_delete=models.PROTECT,
        related_name="commitments",
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    text = models.TextField(_("nội dung cam kết"))
    attachment = models.FileField(_("bản ký (PDF, ảnh)"), upload_to="commitments/%Y/", blank=True)
    attachment_type = models.CharField(max_length=60, blank=True)
    signed_on = models.DateField(_("ngày ký"))
    published = models.BooleanField(_("đã công khai"), default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("bản cam kết tu dưỡng, rèn luyện")
        verbose_name_plural = _("bản cam kết tu dưỡng, rèn luyện")
        ordering = ["person__full_name", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["person", "year"], name="commitment_person_year"),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100), name="commitment_year_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.year}"
