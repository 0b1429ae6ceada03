"""Party discipline decisions (KT-8), the state-to-party notice (KT-3) and their publication (TC-17)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from langnghe.orgs.models import Organisation, Person


class DisciplineForm(models.TextChoices):
    """KT-8 (RULES.md §11: discipline(reprimand/warning/removal_from_post/expulsion/dissolution))."""

    REPRIMAND = "reprimand", _("Khiển trách")
    WARNING = "warning", _("Cảnh cáo")
    REMOVAL_FROM_POST = "removal_from_post", _("Cách chức")
    EXPULSION = "expulsion", _("Khai trừ")
    DISSOLUTION = "dissolution", _("Giải tán")


class SubjectType(models.TextChoices):
    PARTY_ORG = "party_org", _("Tổ chức đảng")
    FULL_MEMBER = "full_member", _("Đảng viên chính thức")
    PROBATIONARY_MEMBER = "probationary_member", _("Đảng viên dự bị")


class DecisionStatus(models.TextChoices):
    # Being prepared by the inspection side; sealed, nobody else knows of it.
    DRAFT = "draft", _("Dự thảo")
    # Signed, with number and date; the disciplined member can read it.
    DECIDED = "decided", _("Đã quyết định")
    # Announced to the subject and sent to the organisations concerned.
    NOTIFIED = "notified", _("Đã thông báo")
    # Published on the portal with reporters' identities redacted (TC-17).
    PUBLISHED = "published", _("Đã công khai")


class DisciplineDecision(models.Model):
    subject_org = models.ForeignKey(
        Organisation,
        verbose_name=_("tổ chức đảng bị kỷ luật"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="discipline_received",
    )
    subject_person = models.ForeignKey(
        Person,
        verbose_name=_("đảng viên bị kỷ luật"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="discipline_received",
    )
    # KT-8: the subject type is fixed when the decision is checked (the member's status then).
    subject_type = models.CharField(_("loại đối tượng"), max_length=20, choices=SubjectType.choices)
    form = models.CharField(_("hình thức kỷ luật"), max_length=20, choices=DisciplineForm.choices)
    deciding_body = models.ForeignKey(
        Organisation,
        verbose_name=_("cơ quan quyết định"),
        on_delete=models.PROTECT,
        related_name="discipline_decided",
    )
    number = models.CharField(_("số quyết định"), max_length=40, blank=True)
    place = models.CharField(_("địa danh"), max_length=80, blank=True)
    decided_on = models.DateField(_("ngày quyết định"), null=True, blank=True)
    effective_on = models.DateField(_("ngày có hiệu lực"), null=True, blank=True)
    grounds = models.TextField(_("căn cứ, nội dung vi phạm"))
    recipients = models.TextField(_("nơi nhận"), blank=True)
    signer_name = models.CharField(_("người ký"), max_length=120, blank=True)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=120, blank=True)
    inspection = models.ForeignKey(
        "inspections.Inspection",
        verbose_name=_("cuộc kiểm tra là căn cứ"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="discipline_decisions",
    )
    source_items = models.ManyToManyField(
        "intake.Item",
        verbose_name=_("ý kiến là căn cứ"),
        blank=True,
        related_name="discipline_decisions",
    )
    status = models.CharField(
        _("trạng thái"),
        max_length=12,
        choices=DecisionStatus.choices,
        default=DecisionStatus.DRAFT,
        db_index=True,
    )
    notified_on = models.DateField(_("ngày thông báo"), null=True, blank=True)
    publication = models.ForeignKey(
        "disclosure.Publication",
        verbose_name=_("bản công khai"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="discipline_decisions",
    )
    publish_due = models.DateField(_("hạn công khai"), null=True, blank=True)
    published_on = models.DateField(_("ngày công khai"), null=True, blank=True)
    published_late = models.BooleanField(_("công khai muộn"), default=False)
    # KT-4 (W) and KT-11 (U) are warnings, kept with the decision as shown when it was checked.
    warnings = models.JSONField(_("cảnh báo"), default=list, blank=True)
    appealed = models.BooleanField(_("có khiếu nại kỷ luật"), default=False)
    appeal_note = models.CharField(_("ghi chú khiếu nại"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("quyết định kỷ luật đảng")
        verbose_name_plural = _("quyết định kỷ luật đảng")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(subject_org__isnull=False) & Q(subject_person__isnull=True))
                | (Q(subject_org__isnull=True) & Q(subject_person__isnull=False)),
                name="discipline_one_subject",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(decided_on__isnull=False),
                name="discipline_decided_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_form_display()} — {self.subject_label}"

    @property
    def subject_label(self) -> str:
        subject = self.subject_person or self.subject_org
        return str(subject) if subject is not None else ""

    @property
    def doc_place(self) -> str:
        """The place in the document's date line: as typed, else the body's admin unit."""
        if self.place:
            return self.place
        unit = self.deciding_body.admin_unit
        return unit.name if unit is not None else "……"

    @property
    def warning_lines(self) -> list[dict[str, str]]:
        """The warnings kept with the decision, in the reader's language (KT-11, KT-4)."""
        from . import policy

        lines = []
        for w in self.warnings or []:
            cite = str(w.get("cite", ""))
            if cite == "KT-11":
                text = policy.kt11_warning(self.deciding_body.name)
            elif cite == "KT-4" and self.subject_person is not None:
                text = policy.kt4_warning(self.subject_person.full_name)
            else:
                text = str(w.get("text", ""))
            lines.append({"cite": cite, "text": text})
        return lines

    @property
    def subject_home(self) -> Organisation | None:
        """The subject's own organisation: the organisation itself, or the member's cell."""
        if self.subject_org_id:
            return self.subject_org
        return self.subject_person.party_cell if self.subject_person else None

    @property
    def is_disclosed(self) -> bool:
        return self.status == DecisionStatus.PUBLISHED

    @property
    def publish_overdue(self) -> bool:
        """TC-17: decided, not yet published and past the day."""
        return (
            self.status in {DecisionStatus.DECIDED, DecisionStatus.NOTIFIED}
            and self.publish_due is not None
            and timezone.localdate() > self.publish_due
        )


class StateNotice(models.Model):
    """KT-3: a state body, the Front or a mass organisation suspended or disciplined a cadre who is a
    party member; it notifies the party organisation managing the member within the limit."""

    issuing_org = models.ForeignKey(
        Organisation,
        verbose_name=_("cơ quan, tổ chức quyết định"),
        on_delete=models.PROTECT,
        related_name="state_notices_issued",
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("cán bộ, đảng viên"),
        on_delete=models.PROTECT,
        related_name="state_notices",
    )
    measure = models.CharField(_("hình thức xử lý"), max_length=30)
    measure_label = models.CharField(_("tên hình thức"), max_length=120)
    decision_number = models.CharField(_("số quyết định"), max_length=40, blank=True)
    decided_on = models.DateField(_("ngày quyết định"))
    summary = models.TextField(_("nội dung, lý do"), blank=True)
    receiving_org = models.ForeignKey(
        Organisation,
        verbose_name=_("tổ chức đảng nhận thông báo"),
        on_delete=models.PROTECT,
        related_name="state_notices_received",
    )
    due_on = models.DateField(_("hạn thông báo"))
    due_cite = models.CharField(max_length=40, blank=True)
    notice_number = models.CharField(_("số thông báo"), max_length=40, blank=True)
    signer_name = models.CharField(_("người ký"), max_length=120, blank=True)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=120, blank=True)
    sent_on = models.DateField(_("ngày gửi"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("thông báo cho tổ chức đảng (KT-3)")
        verbose_name_plural = _("thông báo cho tổ chức đảng (KT-3)")
        ordering = ["-decided_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.measure_name} — {self.person}"

    @property
    def measure_name(self) -> str:
        """The measure's name in the reader's language (the rule book's label; the stored label
        when the code is no longer in the rule book)."""
        from . import policy

        name = policy.state_measure_label(self.measure)
        return self.measure_label if name == self.measure and self.measure_label else name

    @property
    def is_late(self) -> bool:
        return self.sent_on is not None and self.sent_on > self.due_on

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return self.sent_on is None and (today or timezone.localdate()) > self.due_on
