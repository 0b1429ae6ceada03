"""Periodic reports on reception and handling (Q11-8), in the official layout (FM-1..FM-8).

A report is a draft until it is issued: then it gets its number (from 01 each year per issuing
body, FM-4), its date, frozen figures and its DOCX and XLSX files, kept with their SHA-256 and
never regenerated.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from langnghe.orgs.models import Organisation


class Side(models.TextChoices):
    PARTY = "party", _("Văn bản của Đảng (HD 36-HD/VPTW)")
    STATE = "state", _("Văn bản hành chính (NĐ 30/2020/NĐ-CP)")


class PeriodKind(models.TextChoices):
    """Q11-8: monthly, Q1, 6 months, 9 months, year, and ad hoc."""

    MONTH = "M", _("Báo cáo tháng")
    Q1 = "Q1", _("Báo cáo quý I")
    H1 = "H1", _("Báo cáo 6 tháng")
    NINE_MONTHS = "9M", _("Báo cáo 9 tháng")
    YEAR = "Y", _("Báo cáo năm")
    ADHOC = "adhoc", _("Báo cáo đột xuất")


class ReportStatus(models.TextChoices):
    # Being written: text and layout fields may change; no number yet.
    DRAFT = "draft", _("Dự thảo")
    # Numbered, dated and kept as issued: the files never change.
    ISSUED = "issued", _("Đã ban hành")


class DocumentCounter(models.Model):
    """The last document number an issuing body gave in a year (FM-4: from 01 each year)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("sổ số văn bản")
        verbose_name_plural = _("sổ số văn bản")
        ordering = ["organisation", "year"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="reports_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year}: {self.last}"


class Report(models.Model):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("cơ quan ban hành"), on_delete=models.PROTECT, related_name="+"
    )
    side = models.CharField(_("thể thức"), max_length=10, choices=Side.choices)
    period_kind = models.CharField(_("loại báo cáo"), max_length=6, choices=PeriodKind.choices)
    period_start = models.DateField(_("từ ngày"))
    period_end = models.DateField(_("đến ngày"))
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )

    # The header blocks and the number line (FM-1, FM-6, FM-7).
    header_parent = models.CharField(_("cơ quan cấp trên"), max_length=160, blank=True)
    header_issuer = models.CharField(_("tên cơ quan ban hành"), max_length=160)
    symbol = models.CharField(_("ký hiệu"), max_length=40)
    number = models.PositiveIntegerField(_("số"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("năm của số"), null=True, blank=True)
    place = models.CharField(_("địa danh"), max_length=80)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    title = models.CharField(_("trích yếu"), max_length=300)

    # The body: the figures are generated; these sections are written by staff.
    summary = models.TextField(_("I. Tình hình chung"), blank=True)
    assessment = models.TextField(_("III. Đánh giá"), blank=True)
    tasks = models.TextField(_("IV. Phương hướng, nhiệm vụ"), blank=True)
    recipients = models.TextField(_("Nơi nhận"), blank=True)
    signer_capacity = models.CharField(_("quyền hạn ký"), max_length=60, blank=True)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=80)
    signer_name = models.CharField(_("họ tên người ký"), max_length=120, blank=True)

    # Frozen at issue: the figures as they were when the document was numbered.
    figures = models.JSONField(default=dict, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("báo cáo định kỳ")
        verbose_name_plural = _("báo cáo định kỳ")
        ordering = ["-period_end", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "number"],
                condition=Q(number__isnull=False),
                name="reports_number_unique_per_year",
            ),
            models.CheckConstraint(
                condition=Q(status="draft")
                | Q(number__isnull=False, year__isnull=False, issued_on__isnull=False),
                name="reports_issued_has_number_and_date",
            ),
            models.CheckConstraint(
                condition=Q(period_start__lte=models.F("period_end")),
                name="reports_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number_line} — {self.title}"

    @property
    def is_draft(self) -> bool:
        return self.status == ReportStatus.DRAFT

    @property
    def number_line(self) -> str:
        """FM-7 / RULES §10: party "Số 12-BC/ĐU"; state "Số: 12/BC-UBND". A draft leaves the
        number blank, as on paper before signature (FM-4)."""
        number = f"{self.number:02d}" if self.number else "\u00a0" * 6
        if self.side == Side.PARTY:
            return f"Số {number}-{self.symbol}"
        return f"Số: {number}/{self.symbol}"

    @property
    def recipient_lines(self) -> list[str]:
        return [line.strip() for line in self.recipients.splitlines() if line.strip()]


class ReportFile(models.Model):
    """An issued report's file, kept in the database with the report so that issuing is one
    transaction (no file without its row, no row without its file)."""

    class Kind(models.TextChoices):
        DOCX = "docx", _("Văn bản (DOCX)")
        XLSX = "xlsx", _("Phụ lục danh sách ý kiến (XLSX)")

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="files")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tệp báo cáo đã ban hành")
        verbose_name_plural = _("tệp báo cáo đã ban hành")
        ordering = ["report", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["report", "kind"], name="reports_file_unique_kind")
        ]

    def __str__(self) -> str:
        return f"{self.report_id} {self.kind} {self.sha256[:12]}"
