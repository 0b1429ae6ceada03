"""Review cycles, the plan of reviews (who, where, in which order), review suggestions, grades and
remediation commitments (QĐ 366-QĐ/TW; RULES.md §7 KD-2 … KD-10)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from langnghe.orgs.models import Organisation, Person


class Cadence(models.TextChoices):
    """KD-2."""

    TERM = "term", _("Nhiệm kỳ")
    YEAR = "year", _("Hằng năm")
    QUARTER = "quarter", _("Hằng quý")
    ADHOC = "adhoc", _("Khi cần thiết")


class Grade(models.TextChoices):
    """KD-4 … KD-7."""

    EXCELLENT = "excellent", _("Hoàn thành xuất sắc nhiệm vụ")
    GOOD = "good", _("Hoàn thành tốt nhiệm vụ")
    COMPLETED = "completed", _("Hoàn thành nhiệm vụ")
    NOT_COMPLETED = "not_completed", _("Không hoàn thành nhiệm vụ")


ORDER_LABELS = {
    "village": _("cấp thôn"),
    "commune": _("cấp xã"),
    "district": _("cấp huyện"),
    "province": _("cấp tỉnh"),
    "collective": _("tập thể"),
    "individual": _("cá nhân"),
    "party": _("tổ chức đảng"),
    "government": _("chính quyền, đoàn thể"),
    "after_own_collective": _("sau tập thể do mình lãnh đạo"),
}


def order_text(codes: str) -> str:
    """Render a stored KD-8 order explanation (codes separated by spaces). Text stored by an
    earlier version (not codes) is shown as it is."""
    parts = codes.split()
    if not parts or any(p not in ORDER_LABELS for p in parts):
        return codes
    return " · ".join(str(ORDER_LABELS[p]) for p in parts)


class ReviewCycle(models.Model):
    class Status(models.TextChoices):
        PLANNING = "planning", _("Đang lập kế hoạch")
        OPEN = "open", _("Đang kiểm điểm")
        CLOSED = "closed", _("Đã kết thúc")

    organiser = models.ForeignKey(
        Organisation,
        verbose_name=_("cấp ủy tổ chức"),
        on_delete=models.PROTECT,
        related_name="review_cycles",
    )
    cadence = models.CharField(_("loại kỳ"), max_length=10, choices=Cadence.choices)
    title = models.CharField(_("tên đợt kiểm điểm"), max_length=200)
    period_start = models.DateField(_("từ ngày"))
    period_end = models.DateField(_("đến ngày"))
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.PLANNING
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("đợt kiểm điểm")
        verbose_name_plural = _("đợt kiểm điểm")
        ordering = ["-period_end", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="reviewcycle_period_order",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Review(models.Model):
    """One entry of a cycle's plan: a collective or an individual to be reviewed, where (KD-10), in
    which order (KD-8), and the steps of its grading (self-assessment, appraisal, decision)."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Chưa tự đánh giá")
        SELF_ASSESSED = "self_assessed", _("Đã tự đánh giá")
        APPRAISED = "appraised", _("Đã thẩm định, đề xuất")
        DECIDED = "decided", _("Đã quyết định xếp loại")

    cycle = models.ForeignKey(ReviewCycle, on_delete=models.CASCADE, related_name="reviews")
    subject_org = models.ForeignKey(
        Organisation,
        verbose_name=_("tập thể"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviews",
    )
    subject_person = models.ForeignKey(
        Person,
        verbose_name=_("cá nhân"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviews",
    )
    venues = models.ManyToManyField(
        Organisation, verbose_name=_("nơi kiểm điểm"), related_name="review_venues", blank=True
    )
    venue_note = models.CharField(max_length=255, blank=True)
    scheduled_on = models.DateField(_("ngày kiểm điểm dự kiến"), null=True, blank=True)
    # KD-8: computed sort key and its explanation (recomputed when the plan changes).
    order_key = models.CharField(max_length=40, blank=True)
    order_explanation = models.CharField(max_length=255, blank=True)
    status = models.CharField(
        _("bước"), max_length=15, choices=Status.choices, default=Status.PLANNED
    )

    # Self-assessment (KD-3): 30 + 70.
    general_score = models.DecimalField(
        _("tiêu chí chung (tối đa 30)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(30)],
    )
    results_score = models.DecimalField(
        _("kết quả thực hiện nhiệm vụ (tối đa 70)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(70)],
    )
    tasks_total = models.PositiveIntegerField(_("số nhiệm vụ được giao"), default=0)
    tasks_done = models.PositiveIntegerField(_("số nhiệm vụ đã hoàn thành"), default=0)
    tasks_on_time = models.PositiveIntegerField(_("số nhiệm vụ hoàn thành đúng hạn"), default=0)
    tasks_exceeded = models.PositiveIntegerField(_("số nhiệm vụ vượt mức"), default=0)
    quality_ok = models.BooleanField(_("nhiệm vụ bảo đảm chất lượng"), default=False)
    disciplined = models.BooleanField(
        _("có thành viên hoặc tổ chức trực thuộc bị kỷ luật"), default=False
    )
    self_comment = models.TextField(_("tự nhận xét"), blank=True)
    self_assessed_at = models.DateTimeField(null=True, blank=True)
    self_assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_grade = models.CharField(max_length=15, choices=Grade.choices, blank=True)
    proposal_reasons = models.JSONField(default=list, blank=True)

    appraisal_grade = models.CharField(
        _("mức đề xuất của cơ quan tham mưu"), max_length=15, choices=Grade.choices, blank=True
    )
    appraisal_note = models.TextField(_("ý kiến thẩm định"), blank=True)

    decided_grade = models.CharField(
        _("mức cấp có thẩm quyền quyết định"), max_length=15, choices=Grade.choices, blank=True
    )
    decision_reason = models.TextField(_("lý do"), blank=True)
    # The grade in force: the decision, or the re-grade of the superior committee (KD-9).
    final_grade = models.CharField(max_length=15, choices=Grade.choices, blank=True)
    regraded = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("kiểm điểm")
        verbose_name_plural = _("kiểm điểm")
        ordering = ["cycle", "order_key", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(subject_org__isnull=False) & Q(subject_person__isnull=True))
                | (Q(subject_org__isnull=True) & Q(subject_person__isnull=False)),
                name="review_one_subject",
            ),
            models.UniqueConstraint(
                fields=["cycle", "subject_org"],
                condition=Q(subject_org__isnull=False),
                name="review_unique_org",
            ),
            models.UniqueConstraint(
                fields=["cycle", "subject_person"],
                condition=Q(subject_person__isnull=False),
                name="review_unique_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject_label} — {self.cycle}"

    @property
    def is_collective(self) -> bool:
        return self.subject_org_id is not None

    @property
    def order_text(self) -> str:
        """The KD-8 explanation in the reader's language ("cấp xã · cá nhân · …")."""
        return order_text(self.order_explanation)

    @property
    def proposal_reason_texts(self) -> list[str]:
        from .policy import reason_text

        return [reason_text(r) for r in self.proposal_reasons or []]

    @property
    def subject_label(self) -> str:
        return str(self.subject_org or self.subject_person or "")

    @property
    def total_score(self):
        if self.general_score is None or self.results_score is None:
            return None
        return self.general_score + self.results_score


class GradeRecord(models.Model):
    """The history of grades of a review: proposal, appraisal, decision, re-grades (KD-8, KD-9)."""

    class Stage(models.TextChoices):
        SELF = "self", _("Tự đánh giá, tự xếp loại")
        APPRAISAL = "appraisal", _("Thẩm định, đề xuất")
        DECISION = "decision", _("Cấp có thẩm quyền quyết định")
        REGRADE = "regrade", _("Cấp ủy cấp trên xếp loại lại")

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="grade_history")
    stage = models.CharField(max_length=10, choices=Stage.choices)
    grade = models.CharField(max_length=15, choices=Grade.choices, blank=True)
    reason = models.TextField(blank=True)
    # Reasons computed by the system (the self-assessment's proposal): codes and numbers, rendered
    # in the reader's language (policy.reason_text). ``reason`` is the text a person wrote.
    reason_codes = models.JSONField(default=list, blank=True)
    by_org = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("lịch sử xếp loại")
        verbose_name_plural = _("lịch sử xếp loại")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_stage_display()}: {self.get_grade_display() or '—'}"

    @property
    def reason_texts(self) -> list[str]:
        from .policy import reason_text

        texts = [reason_text(r) for r in self.reason_codes or []]
        if self.reason:
            texts.append(self.reason)
        return texts


class ReviewSuggestion(models.Model):
    """Gợi ý kiểm điểm (KD-10): issued by the superior committee to a collective or an individual,
    with its content and its evidence. It never holds a reporter's identity: the signals snapshot
    has none, and items are linked by id only."""

    class Status(models.TextChoices):
        ISSUED = "issued", _("Đã ban hành")
        SENT = "sent", _("Đã gửi")
        ACKNOWLEDGED = "acknowledged", _("Người được gợi ý đã nhận")

    cycle = models.ForeignKey(ReviewCycle, on_delete=models.PROTECT, related_name="suggestions")
    issuer = models.ForeignKey(
        Organisation, verbose_name=_("cấp ủy gợi ý"), on_delete=models.PROTECT, related_name="+"
    )
    subject_org = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="review_suggestions"
    )
    number = models.CharField(_("số"), max_length=40, blank=True)
    content = models.TextField(_("nội dung gợi ý kiểm điểm"))
    evidence_from = models.DateField(_("dư luận từ ngày"))
    evidence_to = models.DateField(_("đến ngày"))
    signal_snapshot = models.JSONField(default=dict, blank=True)
    items = models.ManyToManyField(
        "intake.Item", verbose_name=_("ý kiến liên quan"), blank=True, related_name="+"
    )
    inspections = models.ManyToManyField(
        "inspections.Inspection",
        verbose_name=_("kết luận kiểm tra, giám sát"),
        blank=True,
        related_name="+",
    )
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.ISSUED)
    issued_on = models.DateField(_("ngày ban hành"), default=timezone.localdate)
    sent_on = models.DateField(_("ngày gửi"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("gợi ý kiểm điểm")
        verbose_name_plural = _("gợi ý kiểm điểm")
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(subject_org__isnull=False) & Q(subject_person__isnull=True))
                | (Q(subject_org__isnull=True) & Q(subject_person__isnull=False)),
                name="suggestion_one_subject",
            ),
            models.CheckConstraint(
                condition=Q(evidence_to__gte=models.F("evidence_from")),
                name="suggestion_evidence_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Gợi ý kiểm điểm')} — {self.subject_label}"

    @property
    def subject_label(self) -> str:
        return str(self.subject_org or self.subject_person or "")


class Commitment(models.Model):
    """A remediation commitment after the review, followed to its deadline."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="commitments")
    content = models.TextField(_("nội dung khắc phục"))
    deadline = models.DateField(_("thời hạn"))
    responsible = models.CharField(_("người, đơn vị chịu trách nhiệm"), max_length=200)
    progress = models.TextField(_("tiến độ"), blank=True)
    done_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("cam kết khắc phục")
        verbose_name_plural = _("cam kết khắc phục")
        ordering = ["deadline", "pk"]

    def __str__(self) -> str:
        return self.content[:80]

    @property
    def is_overdue(self) -> bool:
        return self.done_on is None and self.deadline < timezone.localdate()
