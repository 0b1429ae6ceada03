"""Citizen reception (tiếp công dân): sites, sessions with their slots and bookings, the reception
log (Mẫu 03/TCD), refusals and conclusion notices.

Personal data (a booker's or a visitor's name, address, phone, ID number, and what a booker wants to
raise) is never stored in plain columns: it is sealed with the identity vault (TCD-9d).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from langnghe.intake.models import Item
from langnghe.orgs.models import Organisation, Person


class ReceptionSite(models.Model):
    """A place where citizens are received (trụ sở / địa điểm tiếp công dân), with its regular
    hours (TCD-8: the place and the hours are public)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="reception_sites"
    )
    name = models.CharField(_("tên địa điểm"), max_length=200)
    address = models.CharField(_("địa chỉ"), max_length=255)
    regular_hours = models.TextField(_("thời gian tiếp thường xuyên"), blank=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    online = models.BooleanField(_("có điểm cầu trực tuyến"), default=False)
    active = models.BooleanField(_("đang hoạt động"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("địa điểm tiếp công dân")
        verbose_name_plural = _("địa điểm tiếp công dân")
        ordering = ["organisation__path", "name"]

    def __str__(self) -> str:
        return self.name


class SessionKind(models.TextChoices):
    """TCD-1: standing, periodic and ad-hoc reception."""

    REGULAR = "regular", _("Thường xuyên")
    PERIODIC = "periodic", _("Định kỳ")
    ADHOC = "adhoc", _("Đột xuất")


class SessionForm(models.TextChoices):
    """TCD-2: in person or online (online from Luật 136/2025 / NĐ 154/2026)."""

    IN_PERSON = "in_person", _("Trực tiếp")
    ONLINE = "online", _("Trực tuyến")


class Capacity(models.TextChoices):
    """The capacity in which the head receives: it decides which quota the session counts for."""

    PARTY_HEAD = "party_head", _("Người đứng đầu cấp ủy (QĐ 11)")
    CHAIR = "chair", _("Chủ tịch UBND")
    AGENCY_HEAD = "agency_head", _("Thủ trưởng cơ quan")
    OTHER = "other", _("Cán bộ được giao (không tính định mức)")


class SessionStatus(models.TextChoices):
    """RULES.md §12 `citizen_reception_session`."""

    # Being prepared; nothing public yet.
    PLANNED = "planned", _("Dự kiến")
    # On the portal and posted at the office (TCD-8); citizens may book a slot.
    SCHEDULE_PUBLISHED = "schedule_published", _("Đã công bố lịch")
    # The head received citizens; the log is being written.
    HELD = "held", _("Đã tiếp")
    # Every visit is in the reception log (Mẫu 03/TCD).
    LOGGED = "logged", _("Đã ghi sổ")
    # The written conclusion notice was issued (TCD-9c).
    CONCLUSION_NOTICE_ISSUED = "conclusion_notice_issued", _("Đã ra thông báo kết luận")
    # The bodies concerned are carrying out the conclusions.
    FOLLOW_UP = "follow_up", _("Đang theo dõi thực hiện")
    # Done.
    CLOSED = "closed", _("Kết thúc")
    # Not held on the announced date; a reason and a new expected time are announced.
    POSTPONED = "postponed", _("Hoãn")


class AdhocGround(models.TextChoices):
    """Q11-5 / TCD-6: why an ad-hoc session is called."""

    COMPLEX = (
        "complex_many_people_many_agencies",
        _("Vụ việc phức tạp, nhiều người, nhiều cơ quan hoặc ý kiến các cơ quan khác nhau"),
    )
    SERIOUS = (
        "serious_consequence_risk",
        _("Có thể gây hậu quả nghiêm trọng (tài sản, tính mạng, an ninh, trật tự)"),
    )


class OnlineCase(models.TextChoices):
    """TCD-14: the cases for which online reception may be used."""

    COMPLEX_MULTI_AGENCY = "complex_multi_agency", _("Vụ việc phức tạp, cần nhiều cơ quan")
    REMOTE = (
        "remote_area_or_vulnerable_requester",
        _("Người ở vùng sâu, vùng xa, đối tượng chính sách, người cao tuổi, khuyết tật có đề nghị"),
    )
    DISASTER = "disaster_epidemic_security", _("Thiên tai, dịch bệnh, lý do an ninh")
    DENUNCIATION = (
        "complex_denunciation_identity_waived",
        _("Tố cáo phức tạp, người tố cáo không yêu cầu giữ bí mật"),
    )
    OTHER = "other", _("Trường hợp khác theo quy định")


class ReceptionSession(models.Model):
    """One reception session (buổi tiếp công dân) of an organisation, usually by its head."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="reception_sessions"
    )
    site = models.ForeignKey(
        ReceptionSite, on_delete=models.PROTECT, related_name="sessions", null=True, blank=True
    )
    kind = models.CharField(_("loại"), max_length=10, choices=SessionKind.choices)
    form = models.CharField(
        _("hình thức"), max_length=10, choices=SessionForm.choices, default=SessionForm.IN_PERSON
    )
    head = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="reception_sessions",
        null=True,
        blank=True,
        verbose_name=_("người chủ trì tiếp"),
    )
    capacity = models.CharField(
        _("tư cách tiếp"), max_length=12, choices=Capacity.choices, default=Capacity.OTHER
    )
    date = models.DateField(_("ngày tiếp"), db_index=True)
    start_time = models.TimeField(_("bắt đầu"))
    end_time = models.TimeField(_("kết thúc"))
    participants = models.TextField(_("thành phần tham dự"), blank=True)
    expected_content = models.TextField(_("nội dung dự kiến"), blank=True)
    adhoc_ground = models.CharField(
        _("căn cứ tiếp đột xuất"), max_length=40, choices=AdhocGround.choices, blank=True
    )
    adhoc_note = models.TextField(_("vụ việc cần tiếp đột xuất"), blank=True)
    online_case = models.CharField(
        _("trường hợp tiếp trực tuyến"), max_length=40, choices=OnlineCase.choices, blank=True
    )
    connection_tested_on = models.DateField(_("ngày kiểm tra đường truyền"), null=True, blank=True)
    recording_kept = models.BooleanField(_("đã ghi âm, ghi hình"), default=False)
    status = models.CharField(
        _("trạng thái"),
        max_length=30,
        choices=SessionStatus.choices,
        default=SessionStatus.PLANNED,
        db_index=True,
    )
    published_on = models.DateField(_("ngày công bố lịch"), null=True, blank=True)
    publish_due = models.DateField(_("hạn công bố chậm nhất"), null=True, blank=True)
    publish_late = models.BooleanField(_("công bố muộn"), default=False)
    held_on = models.DateField(_("ngày đã tiếp"), null=True, blank=True)
    connection_test_late = models.BooleanField(default=False)
    postponed_reason = models.TextField(_("lý do hoãn"), blank=True)
    rescheduled_to = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rescheduled_from",
    )
    slot_minutes = models.PositiveSmallIntegerField(_("thời lượng mỗi lượt (phút)"), default=20)
    slot_capacity = models.PositiveSmallIntegerField(_("số người mỗi lượt"), default=1)
    booking_open = models.BooleanField(_("cho đăng ký trực tuyến"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("buổi tiếp công dân")
        verbose_name_plural = _("buổi tiếp công dân")
        ordering = ["-date", "-start_time"]
        indexes = [models.Index(fields=["organisation", "date"], name="reception_session_org_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")), name="reception_session_times"
            ),
            models.CheckConstraint(
                condition=~Q(kind="adhoc") | ~Q(adhoc_ground=""),
                name="reception_session_adhoc_ground",
            ),
            models.CheckConstraint(
                condition=~Q(form="online") | ~Q(online_case=""),
                name="reception_session_online_case",
            ),
            models.CheckConstraint(
                condition=Q(slot_capacity__gte=1), name="reception_session_slot_capacity"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.date:%d/%m/%Y}"

    @property
    def is_public(self) -> bool:
        return self.status != SessionStatus.PLANNED

    @property
    def is_held(self) -> bool:
        return self.status in {
            SessionStatus.HELD,
            SessionStatus.LOGGED,
            SessionStatus.CONCLUSION_NOTICE_ISSUED,
            SessionStatus.FOLLOW_UP,
            SessionStatus.CLOSED,
        }


class SessionSlot(models.Model):
    """A bookable time within a session (iHanoi-style appointment)."""

    session = models.ForeignKey(ReceptionSession, on_delete=models.CASCADE, related_name="slots")
    start = models.TimeField(_("giờ"))
    end = models.TimeField()
    capacity = models.PositiveSmallIntegerField(default=1)

    class Meta:
        verbose_name = _("lượt tiếp")
        verbose_name_plural = _("lượt tiếp")
        ordering = ["session", "start"]
        constraints = [
            models.UniqueConstraint(fields=["session", "start"], name="reception_slot_unique"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="reception_slot_capacity"),
        ]

    def __str__(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"


class BookingStatus(models.TextChoices):
    # The citizen holds a place in the slot.
    BOOKED = "booked", _("Đã đăng ký")
    # The citizen (or staff, when the session was postponed) cancelled it.
    CANCELLED = "cancelled", _("Đã hủy")
    # The citizen came and was received; the visit is in the log.
    ATTENDED = "attended", _("Đã được tiếp")
    # The citizen did not come.
    NO_SHOW = "no_show", _("Không đến")


class Booking(models.Model):
    """A citizen's booking of a slot. The code is public; the secret is stored only as a keyed hash
    (as the spine's receipts); name, phone and content are sealed in the vault."""

    session = models.ForeignKey(ReceptionSession, on_delete=models.PROTECT, related_name="bookings")
    slot = models.ForeignKey(SessionSlot, on_delete=models.PROTECT, related_name="bookings")
    code = models.CharField(_("mã đăng ký"), max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    sealed = models.BinaryField()
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=BookingStatus.choices, default=BookingStatus.BOOKED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("đăng ký tiếp")
        verbose_name_plural = _("đăng ký tiếp")
        ordering = ["slot__start", "created_at"]

    def __str__(self) -> str:
        return self.code


class ReceptionLogEntry(models.Model):
    """One row of the reception log (sổ tiếp công dân), in the 13 columns of Mẫu 03/TCD (TCD-9,
    TCD-9b). Name, address and ID number are sealed (TCD-9d)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="reception_log"
    )
    year = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField(_("STT"))
    received_on = models.DateField(_("ngày tiếp"), db_index=True)
    session = models.ForeignKey(
        ReceptionSession, on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )
    booking = models.OneToOneField(
        Booking, on_delete=models.PROTECT, null=True, blank=True, related_name="entry"
    )
    sealed_identity = models.BinaryField()
    pseudonym = models.CharField(max_length=40)
    summary = models.TextField(_("tóm tắt nội dung"))
    kinds = models.JSONField(_("loại đơn"), default=list, blank=True)
    group_size = models.PositiveIntegerField(_("số người cùng nội dung"), default=1)
    prior_bodies = models.TextField(_("cơ quan đã giải quyết"), blank=True)
    within_competence = models.BooleanField(_("thuộc thẩm quyền"), default=False)
    guidance = models.CharField(
        _("hướng dẫn đến cơ quan có thẩm quyền (số văn bản)"), max_length=255, blank=True
    )
    forwarded_to = models.CharField(
        _("cơ quan thụ lý (số văn bản chuyển đơn)"), max_length=255, blank=True
    )
    follow_up = models.TextField(_("theo dõi kết quả giải quyết"), blank=True)
    notes = models.TextField(_("ghi chú"), blank=True)
    items = models.ManyToManyField(Item, blank=True, related_name="reception_entries")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("dòng sổ tiếp công dân")
        verbose_name_plural = _("sổ tiếp công dân")
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "number"], name="reception_log_number"
            ),
            models.CheckConstraint(condition=Q(group_size__gte=1), name="reception_log_group"),
        ]

    def __str__(self) -> str:
        return f"{self.number}/{self.year}"


class RefusalGround(models.TextChoices):
    """TCD-7 (Luật TCD Đ9) and TCD-7b (NĐ 154/2026 Đ4 k1)."""

    INTOXICATED = (
        "intoxicated_or_incapacitated",
        _("Say rượu, dùng chất kích thích, mất năng lực nhận thức, điều khiển hành vi"),
    )
    THREATENING = (
        "threatening_or_rule_breaking",
        _("Đe dọa, xúc phạm, vi phạm nội quy nơi tiếp công dân"),
    )
    PERSISTENT = (
        "persistent_after_correct_resolution",
        _(
            "Vụ việc đã giải quyết đúng, đã kiểm tra, rà soát, thông báo bằng văn bản nhưng vẫn cố tình"
            " khiếu nại, tố cáo kéo dài"
        ),
    )
    OTHER_BY_LAW = "other_by_law", _("Trường hợp khác theo quy định của pháp luật")
    WEAPONS = "weapons", _("Mang vũ khí, chất nổ, không chịu gửi lại")
    SECURITY_CHECK = "refuses_security_check", _("Không chấp hành việc kiểm tra an ninh")
    RECORDING = "unauthorised_recording", _("Ghi âm, ghi hình, phát trực tiếp khi đã được nhắc")
    INCITEMENT = "incitement", _("Kích động, gây rối trật tự")
    NO_CAPACITY = (
        "no_legal_capacity_no_rep",
        _("Không có năng lực hành vi dân sự đầy đủ, không có người đại diện"),
    )
    REP_NO_PROOF = "rep_without_proof", _("Người đại diện không chứng minh được quyền đại diện")
    OUT_OF_SCOPE = "out_of_scope", _("Nội dung không phải khiếu nại, tố cáo, kiến nghị, phản ánh")
    PAKN_ANSWERED = (
        "pakn_already_answered_no_new_facts",
        _("Phản ánh, kiến nghị đã được trả lời đúng, không có tình tiết mới"),
    )
    COURT = "final_court_judgment", _("Đã có bản án có hiệu lực, không thuộc diện xem xét lại")
    PENDING = "pending_elsewhere", _("Cơ quan có thẩm quyền khác đang giải quyết")


class Refusal(models.Model):
    """A refusal to receive (từ chối tiếp công dân), with its ground from the rule set in force on
    the day and, for the grounds of TCD-7c, the written notice on Mẫu 01/TCD."""

    entry = models.OneToOneField(
        ReceptionLogEntry, on_delete=models.CASCADE, related_name="refusal"
    )
    ground = models.CharField(_("căn cứ từ chối"), max_length=40, choices=RefusalGround.choices)
    rule_set = models.CharField(max_length=20)
    explanation = models.TextField(_("giải thích cho công dân"))
    needs_notice = models.BooleanField(default=False)
    notice_due = models.DateField(_("hạn ra thông báo"), null=True, blank=True)
    notice_number = models.CharField(_("số thông báo"), max_length=60, blank=True)
    notice_issued_on = models.DateField(_("ngày ra thông báo"), null=True, blank=True)
    notice_signer = models.CharField(_("người ký"), max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("từ chối tiếp công dân")
        verbose_name_plural = _("từ chối tiếp công dân")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(needs_notice=False) | Q(notice_due__isnull=False),
                name="reception_refusal_notice_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.entry} — {self.get_ground_display()}"

    @property
    def notice_late(self) -> bool:
        if not self.needs_notice or self.notice_due is None:
            return False
        if self.notice_issued_on is None:
            from django.utils import timezone

            return timezone.localdate() > self.notice_due
        return self.notice_issued_on > self.notice_due


class ConclusionNotice(models.Model):
    """Thông báo kết luận việc tiếp công dân of a head's session (TCD-9c)."""

    session = models.OneToOneField(
        ReceptionSession, on_delete=models.PROTECT, related_name="conclusion"
    )
    number = models.CharField(_("số"), max_length=60)
    issued_on = models.DateField(_("ngày ban hành"))
    content = models.TextField(_("nội dung kết luận"))
    recipients = models.TextField(_("nơi nhận"))
    signer = models.CharField(_("người ký"), max_length=120)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("thông báo kết luận tiếp công dân")
        verbose_name_plural = _("thông báo kết luận tiếp công dân")
        ordering = ["-issued_on"]

    def __str__(self) -> str:
        return self.number
