"""Party inspections and supervisions (QĐ 296-QĐ/TW; KT-5, KT-6, KT-7), their teams (TC-15),
the subject's explanatory report, findings, the conclusion (TC-17), notices, remedies, and who
besides the inspection side may read the sealed records."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from langnghe.intake.models import Item
from langnghe.orgs.models import Organisation, Person


class InspectionPlan(models.Model):
    """The annual inspection and supervision plan of a committee or its commission (KT-7)."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("cấp ủy, ủy ban kiểm tra"),
        on_delete=models.PROTECT,
        related_name="inspection_plans",
    )
    year = models.PositiveIntegerField(_("năm"))
    adopted_on = models.DateField(_("ngày thông qua"), null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("chương trình kiểm tra, giám sát")
        verbose_name_plural = _("chương trình kiểm tra, giám sát")
        ordering = ["-year", "organisation__path"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="inspectionplan_org_year")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.year}"


class InspectionPlanEntry(models.Model):
    plan = models.ForeignKey(InspectionPlan, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(_("loại"), max_length=40)
    subject = models.CharField(_("đối tượng"), max_length=255)
    content = models.TextField(_("nội dung"), blank=True)
    quarter = models.PositiveSmallIntegerField(_("quý"))

    class Meta:
        verbose_name = _("nội dung trong chương trình")
        verbose_name_plural = _("nội dung trong chương trình")
        ordering = ["quarter", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="inspectionplanentry_quarter"
            )
        ]

    def __str__(self) -> str:
        return f"Q{self.quarter}: {self.subject}"


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
    # --- 0002 ---
    plan_entry = models.ForeignKey(
        InspectionPlanEntry,
        verbose_name=_("thuộc chương trình"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inspections",
    )
    kind = models.CharField(_("loại"), max_length=40, default="thematic")  # KT-5 (rule book)
    state = models.CharField(_("bước"), max_length=40, default="proposed")  # KT-6 (rule book)
    decision_number = models.CharField(_("số quyết định"), max_length=60, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    legal_basis = models.TextField(_("căn cứ"), blank=True)
    scope = models.TextField(_("nội dung, phạm vi"), blank=True)
    start_on = models.DateField(_("ngày bắt đầu"), null=True, blank=True)
    end_on = models.DateField(_("ngày kết thúc"), null=True, blank=True)
    # TC-18: denunciations against the party member this inspection was opened from.
    source_items = models.ManyToManyField(
        Item, verbose_name=_("đơn thư nguồn"), blank=True, related_name="party_inspections"
    )
    # The records are sealed; once the conclusion is published, its (redacted) text is public,
    # the rest of the file stays sealed.
    sealed = models.BooleanField(_("kết luận chưa công khai"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cuộc kiểm tra, giám sát")
        verbose_name_plural = _("cuộc kiểm tra, giám sát")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__isnull=True)
                | Q(start_on__isnull=True)
                | Q(end_on__gte=models.F("start_on")),
                name="inspection_dates_order",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def kind_label(self) -> str:
        from .policy import kind_label

        return kind_label(self.kind)

    @property
    def state_label(self) -> str:
        from .policy import state_label

        return state_label(self.state)

    @property
    def phase_label(self) -> str:
        from .policy import phase_of

        phase = phase_of(self.state)
        return phase.label if phase else ""


class TeamMember(models.Model):
    """A member of the inspection team, with their self-declaration (TC-15 applied to teams)."""

    class Role(models.TextChoices):
        HEAD = "head", _("Trưởng đoàn")
        MEMBER = "member", _("Thành viên")

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="team")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("vai trò"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    no_tie_declared = models.BooleanField(
        _("cam kết không có quan hệ gia đình, lợi ích trực tiếp"), default=False
    )
    declared_interest = models.TextField(_("lợi ích đã kê khai"), blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("thành viên đoàn kiểm tra")
        verbose_name_plural = _("thành viên đoàn kiểm tra")
        ordering = ["role", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "person"], name="teammember_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"


class ExplanatoryReport(models.Model):
    """The subject's explanatory report (báo cáo giải trình, KT-6)."""

    inspection = models.OneToOneField(
        Inspection, on_delete=models.CASCADE, related_name="explanatory_report"
    )
    text = models.TextField(_("nội dung báo cáo"))
    received_on = models.DateField(_("ngày nhận"))
    due_on = models.DateField(_("hạn nộp"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("báo cáo giải trình")
        verbose_name_plural = _("báo cáo giải trình")

    def __str__(self) -> str:
        return f"{self.inspection} — {self.received_on:%d/%m/%Y}"

    @property
    def late(self) -> bool:
        return self.due_on is not None and self.received_on > self.due_on


class Finding(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    content = models.TextField(_("nội dung"))
    severity = models.CharField(_("mức độ"), max_length=40)  # rule book list (U)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("kết quả thẩm tra")
        verbose_name_plural = _("kết quả thẩm tra")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.content[:80]

    @property
    def severity_label(self) -> str:
        from .policy import severity_label

        return severity_label(self.severity)

    @property
    def serious(self) -> bool:
        from .policy import serious_severities

        return self.severity in serious_severities()


class Conclusion(models.Model):
    inspection = models.OneToOneField(
        Inspection, on_delete=models.CASCADE, related_name="conclusion"
    )
    number = models.CharField(_("số thông báo kết luận"), max_length=60, blank=True)
    text = models.TextField(_("nội dung kết luận"))
    concluded_on = models.DateField(_("ngày kết luận"))
    result = models.CharField(_("kết quả chung"), max_length=255)
    recommends_discipline = models.BooleanField(_("đề nghị xem xét kỷ luật"), default=False)
    publication = models.ForeignKey(
        "disclosure.Publication",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_on = models.DateField(_("ngày công khai"), null=True, blank=True)
    publish_due = models.DateField(_("hạn công khai"), null=True, blank=True)  # TC-17
    published_late = models.BooleanField(_("công khai chậm"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("kết luận kiểm tra")
        verbose_name_plural = _("kết luận kiểm tra")

    def __str__(self) -> str:
        return f"{self.inspection} — {self.result}"

    @property
    def publication_overdue(self) -> bool:
        return (
            self.published_on is None
            and self.publish_due is not None
            and timezone.localdate() > self.publish_due
        )


class Notice(models.Model):
    class Recipient(models.TextChoices):
        SUBJECT = "subject", _("Đối tượng được kiểm tra")
        PARTY_ORG = "party_org", _("Tổ chức đảng quản lý đảng viên")
        FORWARDING_BODY = "forwarding_body", _("Cơ quan đã chuyển đơn")

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="notices")
    recipient = models.CharField(_("nơi nhận"), max_length=20, choices=Recipient.choices)
    recipient_name = models.CharField(_("tên nơi nhận"), max_length=255)
    sent_on = models.DateField(_("ngày gửi"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("thông báo kết luận")
        verbose_name_plural = _("thông báo kết luận")
        ordering = ["sent_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_recipient_display()} — {self.recipient_name}"


class Remedy(models.Model):
    """A remedy the conclusion requires, tracked to its deadline (KT-6 follow-up)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="remedies")
    content = models.TextField(_("nội dung khắc phục"))
    responsible = models.CharField(_("người, đơn vị thực hiện"), max_length=255)
    due_on = models.DateField(_("hạn"))
    done_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("biện pháp khắc phục")
        verbose_name_plural = _("biện pháp khắc phục")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.content[:80]

    def overdue_on(self, day: dt.date) -> bool:
        return self.done_on is None and day > self.due_on

    @property
    def overdue(self) -> bool:
        return self.overdue_on(timezone.localdate())


class InspectionAccessGrant(models.Model):
    """A leader explicitly allowed to read one inspection's sealed records (revocable)."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="access_grants"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("lý do"), max_length=500)
    granted_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("quyền xem hồ sơ kiểm tra")
        verbose_name_plural = _("quyền xem hồ sơ kiểm tra")
        ordering = ["-granted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "user"],
                condition=Q(revoked_at__isnull=True),
                name="inspectionaccess_one_active",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.inspection}"

    @property
    def active(self) -> bool:
        return self.revoked_at is None
