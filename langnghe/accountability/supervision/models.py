"""Fatherland Front supervision (RULES.md MT-1 … MT-5, §12 `mttq_supervision`): yearly plans, each
supervision with its time limits, the recommendations and the supervised party's answers, the
six-monthly hearings, and the Front's requests to look again at a badly handled item."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from langnghe.intake.models import Item
from langnghe.orgs.models import Organisation


class SupervisionForm(models.TextChoices):
    """MT-2: the forms of supervision."""

    DOCUMENTS = "documents", _("Nghiên cứu, xem xét văn bản")
    TEAM = "team", _("Đoàn giám sát")
    PEOPLES_INSPECTION = "peoples_inspection", _("Thông qua Ban Thanh tra nhân dân")
    COMMUNITY_INVESTMENT = (
        "community_investment",
        _("Thông qua Ban Giám sát đầu tư của cộng đồng"),
    )
    JOINT = "joint", _("Phối hợp với cơ quan, tổ chức có thẩm quyền")


class Ground(models.TextChoices):
    """MT-4: what the supervision starts from (the rule says "include": not a closed list)."""

    PETITIONS = "petitions", _("Kiến nghị của Nhân dân gửi đến Mặt trận")
    MEDIA = "media", _("Thông tin trên phương tiện thông tin đại chúng")
    PROGRAMME = "programme", _("Chương trình giám sát hằng năm")


class SupervisionStatus(models.TextChoices):
    # The Front has planned it; the supervised party has not been told yet.
    PLANNED = "planned", _("Đã lên kế hoạch")
    # The plan and decision were sent to the supervised party (MT-5: ≥ 15 days before).
    DECISION_SENT = "decision_sent", _("Đã gửi quyết định")
    # The supervised party's report reached the team (MT-5: ≥ 7 days before).
    REPORT_RECEIVED = "report_received", _("Đã nhận báo cáo")
    # At least one working session was held.
    SESSIONS_HELD = "sessions_held", _("Đã làm việc")
    # The team's result report is done (MT-5: ≤ 15 days after the last session).
    RESULT_REPORT = "result_report", _("Đã có báo cáo kết quả")
    # Recommendations were sent; answers are awaited (MT-3).
    RECOMMENDATION_ISSUED = "recommendation_issued", _("Đã gửi kiến nghị")
    # Every recommendation has an answer; the Front follows them up.
    RESPONSE_TRACKED = "response_tracked", _("Đang theo dõi trả lời")


class SupervisionPlan(models.Model):
    """One Front organisation's supervision programme for a calendar year."""

    front = models.ForeignKey(
        Organisation,
        verbose_name=_("Ủy ban MTTQ"),
        on_delete=models.PROTECT,
        related_name="supervision_plans",
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    title = models.CharField(_("tên kế hoạch"), max_length=200)
    adopted_on = models.DateField(_("ngày ban hành"))
    note = models.TextField(_("ghi chú"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("kế hoạch giám sát")
        verbose_name_plural = _("kế hoạch giám sát")
        ordering = ["-year", "front__path"]
        constraints = [
            models.UniqueConstraint(fields=["front", "year"], name="supervision_plan_front_year"),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100), name="supervision_plan_year_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"


class Supervision(models.Model):
    plan = models.ForeignKey(
        SupervisionPlan,
        verbose_name=_("kế hoạch"),
        on_delete=models.PROTECT,
        related_name="supervisions",
    )
    front = models.ForeignKey(
        Organisation,
        verbose_name=_("Ủy ban MTTQ"),
        on_delete=models.PROTECT,
        related_name="supervisions_held",
    )
    supervised_org = models.ForeignKey(
        Organisation,
        verbose_name=_("cơ quan, tổ chức được giám sát"),
        on_delete=models.PROTECT,
        related_name="supervisions_received",
    )
    topic = models.CharField(_("chủ đề"), max_length=255)
    content = models.TextField(_("nội dung giám sát"))
    form = models.CharField(_("hình thức"), max_length=30, choices=SupervisionForm.choices)
    grounds = models.JSONField(_("căn cứ"), default=list, blank=True)
    press_references = models.TextField(_("thông tin báo chí"), blank=True)
    items = models.ManyToManyField(
        Item,
        verbose_name=_("kiến nghị của Nhân dân"),
        blank=True,
        related_name="front_supervisions",
    )
    status = models.CharField(
        _("trạng thái"),
        max_length=30,
        choices=SupervisionStatus.choices,
        default=SupervisionStatus.PLANNED,
        db_index=True,
    )
    first_session_on = models.DateField(_("ngày làm việc đầu tiên"))
    decision_number = models.CharField(_("số quyết định"), max_length=60, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    decision_sent_on = models.DateField(_("ngày gửi quyết định"), null=True, blank=True)
    report_received_on = models.DateField(_("ngày nhận báo cáo"), null=True, blank=True)
    last_session_on = models.DateField(_("ngày làm việc cuối"), null=True, blank=True)
    result_report_on = models.DateField(_("ngày báo cáo kết quả"), null=True, blank=True)
    result_summary = models.TextField(_("kết quả giám sát"), blank=True)
    # The result as published: redacted of every reporter identity of the linked items (TC-17).
    public_summary = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("cuộc giám sát")
        verbose_name_plural = _("cuộc giám sát")
        ordering = ["-first_session_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_session_on__isnull=True)
                | Q(last_session_on__gte=models.F("first_session_on"))
                | Q(status=SupervisionStatus.PLANNED),
                name="supervision_last_session_after_first",
            ),
        ]

    def __str__(self) -> str:
        return self.topic

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def grounds_display(self) -> list[str]:
        labels = dict(Ground.choices)
        return [str(labels.get(g, g)) for g in self.grounds]


class SupervisionSession(models.Model):
    """A working session of the team with the supervised party."""

    supervision = models.ForeignKey(Supervision, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField(_("ngày làm việc"))
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("buổi làm việc")
        verbose_name_plural = _("buổi làm việc")
        ordering = ["held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.supervision} {self.held_on:%d/%m/%Y}"


class Addressee(models.TextChoices):
    """MT-5: who receives the written recommendation."""

    SUPERVISED = "supervised", _("Cơ quan, tổ chức được giám sát")
    COMPETENT_BODY = "competent_body", _("Cơ quan có thẩm quyền")
    NEXT_FRONT = "next_front", _("Ủy ban MTTQ cấp trên")


class Recommendation(models.Model):
    class Status(models.TextChoices):
        # Sent; the supervised party has not answered.
        OPEN = "open", _("Chờ trả lời")
        # The supervised party answered; the Front follows up.
        ANSWERED = "answered", _("Đã trả lời")
        # The Front closed its follow-up.
        CLOSED = "closed", _("Đã kết thúc theo dõi")

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("Tiếp thu")
        PARTLY = "partly", _("Tiếp thu một phần")
        REJECTED = "rejected", _("Không tiếp thu")

    supervision = models.ForeignKey(
        Supervision, on_delete=models.CASCADE, related_name="recommendations"
    )
    # The letter's document number ("Số 01/KN-MTTQ"); numbered per Front and year when not given.
    number = models.CharField(_("số văn bản"), max_length=60, blank=True)
    content = models.TextField(_("nội dung kiến nghị"))
    public_content = models.TextField(blank=True)
    addressees = models.JSONField(_("nơi nhận"), default=list)
    competent_body = models.ForeignKey(
        Organisation,
        verbose_name=_("cơ quan có thẩm quyền"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sent_on = models.DateField(_("ngày gửi"))
    response_due_on = models.DateField(_("hạn trả lời"), null=True, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    response = models.TextField(_("nội dung trả lời"), blank=True)
    public_response = models.TextField(blank=True)
    responded_on = models.DateField(_("ngày trả lời"), null=True, blank=True)
    outcome = models.CharField(
        _("kết quả tiếp thu"), max_length=20, choices=Outcome.choices, blank=True
    )
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    follow_up = models.TextField(_("theo dõi, đôn đốc"), blank=True)
    closed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("kiến nghị sau giám sát")
        verbose_name_plural = _("kiến nghị sau giám sát")
        ordering = ["supervision", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open") | (~Q(outcome="") & Q(responded_on__isnull=False)),
                name="supervision_recommendation_answer_complete",
            ),
        ]

    def __str__(self) -> str:
        return self.content[:80]

    def is_overdue(self, today: dt.date) -> bool:
        """Only when a response time is configured (MT-3 gives none)."""
        return (
            self.status == self.Status.OPEN
            and self.response_due_on is not None
            and today > self.response_due_on
        )

    def addressees_display(self) -> list[str]:
        labels = dict(Addressee.choices)
        return [str(labels.get(a, a)) for a in self.addressees]

    @property
    def missing_addressees(self) -> list[str]:
        labels = dict(Addressee.choices)
        return [str(labels[a]) for a in Addressee.values if a not in self.addressees]


class Hearing(models.Model):
    """MT-3: a session of the people's council or committee that heard the Front's results."""

    front = models.ForeignKey(
        Organisation,
        verbose_name=_("Ủy ban MTTQ"),
        on_delete=models.PROTECT,
        related_name="supervision_hearings",
    )
    body = models.ForeignKey(
        Organisation,
        verbose_name=_("HĐND / UBND nghe báo cáo"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    held_on = models.DateField(_("ngày họp"))
    title = models.CharField(_("kỳ họp, phiên họp"), max_length=200)
    note = models.TextField(_("ghi chú"), blank=True)
    supervisions = models.ManyToManyField(
        Supervision,
        verbose_name=_("cuộc giám sát được báo cáo"),
        blank=True,
        related_name="hearings",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phiên nghe báo cáo giám sát")
        verbose_name_plural = _("phiên nghe báo cáo giám sát")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on:%d/%m/%Y})"


class FrontReopen(models.Model):
    """The Front asked to look again at a handled item (MT-3); the item went up a level."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="front_reopens")
    front = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    supervision = models.ForeignKey(
        Supervision, null=True, blank=True, on_delete=models.PROTECT, related_name="reopens"
    )
    recommendation = models.ForeignKey(
        Recommendation, null=True, blank=True, on_delete=models.PROTECT, related_name="reopens"
    )
    reason = models.TextField(_("lý do"))
    handled_by_before = models.ForeignKey(
        Organisation, null=True, on_delete=models.PROTECT, related_name="+"
    )
    handled_by_after = models.ForeignKey(
        Organisation, null=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("đề nghị xem xét lại của Mặt trận")
        verbose_name_plural = _("đề nghị xem xét lại của Mặt trận")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.item.code}: {self.reason[:60]}"
