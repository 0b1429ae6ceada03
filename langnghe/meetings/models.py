"""Annual plans of meetings with the people, their conferences, minutes and commitments, and
voters' requests for a dialogue conference (RULES.md Q11-6, DC-4..DC-7, §12 dialogue_conference).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from langnghe.intake.models import Item
from langnghe.orgs.models import Organisation, Person


class AnnualPlan(models.Model):
    """One organisation's plan of meetings with the people for a calendar year."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("tổ chức"),
        on_delete=models.PROTECT,
        related_name="meeting_plans",
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    title = models.CharField(_("tên kế hoạch"), max_length=200)
    note = models.TextField(_("ghi chú"), blank=True)
    approved_on = models.DateField(_("ngày phê duyệt"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("kế hoạch hội nghị năm")
        verbose_name_plural = _("kế hoạch hội nghị năm")
        ordering = ["-year", "organisation__path"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="meetings_plan_org_year"),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100), name="meetings_plan_year_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"

    @property
    def needs_commune_dialogue(self) -> bool:
        """DC-5/DC-6 apply to a commune people's committee."""
        org = self.organisation
        return (
            org.kind == Organisation.Kind.PEOPLES_COMMITTEE
            and org.level == Organisation.Level.COMMUNE
        )


class ConferenceKind(models.TextChoices):
    PARTY_HEAD_DIALOGUE = (
        "party_head_dialogue",
        _("Đối thoại trực tiếp của người đứng đầu cấp ủy, chính quyền với Nhân dân"),
    )
    COMMUNE_DIALOGUE = "commune_dialogue", _("Hội nghị đối thoại giữa chính quyền xã với Nhân dân")
    STAFF_CONFERENCE = (
        "staff_conference",
        _("Hội nghị cán bộ, công chức, viên chức, người lao động"),
    )
    VOTER_MEETING = "voter_meeting", _("Tiếp xúc cử tri")


# Which conferences report on each other's commitments: a dialogue opens with the follow-up of the
# previous dialogues, a staff conference with that of the previous staff conference, and so on.
FOLLOW_UP_FAMILY = {
    ConferenceKind.PARTY_HEAD_DIALOGUE: [
        ConferenceKind.PARTY_HEAD_DIALOGUE,
        ConferenceKind.COMMUNE_DIALOGUE,
    ],
    ConferenceKind.COMMUNE_DIALOGUE: [
        ConferenceKind.PARTY_HEAD_DIALOGUE,
        ConferenceKind.COMMUNE_DIALOGUE,
    ],
    ConferenceKind.STAFF_CONFERENCE: [ConferenceKind.STAFF_CONFERENCE],
    ConferenceKind.VOTER_MEETING: [ConferenceKind.VOTER_MEETING],
}


class ConferenceMode(models.TextChoices):
    IN_PERSON = "in_person", _("Trực tiếp")
    ONLINE = "online", _("Trực tuyến")
    SOCIAL_NETWORK = "social_network", _("Trên mạng xã hội hợp pháp")


class ConferenceTrigger(models.TextChoices):
    ANNUAL = "annual", _("Theo kế hoạch năm")
    VOTER_REQUEST = "voter_request", _("Theo đề nghị của cử tri (từ 10% trở lên)")
    CITIZENS_REQUEST = "citizens_request", _("Nhiều người dân đề nghị")
    NECESSITY = "necessity", _("Khi xét thấy cần thiết")


class ConferenceStatus(models.TextChoices):
    """RULES.md §12 dialogue_conference states."""

    # In the annual plan; nothing public yet.
    PLANNED = "planned_in_annual_plan", _("Trong kế hoạch")
    # Time, place, content and method announced; citizens may send questions in advance.
    ANNOUNCED = "announced", _("Đã thông báo")
    # The conference took place; the minutes are being written.
    HELD = "held", _("Đã tổ chức")
    # The minutes are complete: speakers, issues and commitments recorded.
    MINUTES_RECORDED = "minutes_recorded", _("Đã lập biên bản")
    # Results announced to the people (DC-6: within 10 days).
    RESULTS_PUBLISHED = "results_published", _("Đã công bố kết quả")
    # The next conference reported on this one's commitments.
    FOLLOW_UP = "follow_up", _("Đã báo cáo kết quả thực hiện")


PUBLIC_STATUSES = [
    ConferenceStatus.ANNOUNCED,
    ConferenceStatus.HELD,
    ConferenceStatus.MINUTES_RECORDED,
    ConferenceStatus.RESULTS_PUBLISHED,
    ConferenceStatus.FOLLOW_UP,
]
RESULTS_STATUSES = [ConferenceStatus.RESULTS_PUBLISHED, ConferenceStatus.FOLLOW_UP]


class ResultsChannel(models.TextChoices):
    MASS_MEDIA = "mass_media", _("Phương tiện thông tin đại chúng")
    OFFICE_POSTING = "office_posting", _("Niêm yết tại trụ sở")
    VILLAGE_HEADS = "village_heads", _("Thông qua trưởng thôn, tổ dân phố")
    PORTAL = "portal", _("Cổng thông tin Lắng Nghe")


class Conference(models.Model):
    plan = models.ForeignKey(
        AnnualPlan, verbose_name=_("kế hoạch"), on_delete=models.PROTECT, related_name="conferences"
    )
    kind = models.CharField(_("loại hội nghị"), max_length=30, choices=ConferenceKind.choices)
    title = models.CharField(_("tên hội nghị"), max_length=200)
    trigger = models.CharField(
        _("căn cứ tổ chức"),
        max_length=20,
        choices=ConferenceTrigger.choices,
        default=ConferenceTrigger.ANNUAL,
    )
    # DC-6: the people's committee and the Front organise the commune dialogue together.
    co_organiser = models.ForeignKey(
        Organisation,
        verbose_name=_("đơn vị phối hợp tổ chức"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="co_organised_conferences",
    )
    chair_people = models.ManyToManyField(
        Person, verbose_name=_("chủ trì (cán bộ)"), blank=True, related_name="chaired_conferences"
    )
    chairs_text = models.TextField(_("chủ trì, đồng chủ trì (họ tên, chức vụ)"), blank=True)
    council_cochair = models.BooleanField(
        _("có đại diện Thường trực HĐND đồng chủ trì"), default=False
    )
    party_committee_invited = models.BooleanField(_("đã mời đại diện cấp ủy"), default=False)
    starts_at = models.DateTimeField(_("thời gian bắt đầu"))
    place = models.CharField(_("địa điểm"), max_length=255, blank=True)
    mode = models.CharField(
        _("hình thức"),
        max_length=20,
        choices=ConferenceMode.choices,
        default=ConferenceMode.IN_PERSON,
    )
    online_link = models.URLField(_("đường dẫn trực tuyến"), blank=True)
    topics = models.TextField(_("nội dung đối thoại"))
    voter_request = models.ForeignKey(
        "VoterRequest",
        verbose_name=_("đề nghị của cử tri"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conferences",
    )
    status = models.CharField(
        _("trạng thái"),
        max_length=30,
        choices=ConferenceStatus.choices,
        default=ConferenceStatus.PLANNED,
        db_index=True,
    )
    announced_on = models.DateField(_("ngày thông báo"), null=True, blank=True)
    announce_channels = models.CharField(_("hình thức thông báo"), max_length=255, blank=True)
    announce_latest = models.DateField(_("hạn thông báo"), null=True, blank=True)
    announce_late = models.BooleanField(_("thông báo muộn"), default=False)
    held_on = models.DateField(_("ngày tổ chức"), null=True, blank=True)
    attendees = models.PositiveIntegerField(_("số người dự"), null=True, blank=True)
    expected_attendees = models.PositiveIntegerField(
        _("số người được triệu tập"), null=True, blank=True
    )
    minutes_summary = models.TextField(_("tóm tắt biên bản"), blank=True)
    results_summary = models.TextField(_("thông báo kết quả"), blank=True)
    results_channels = models.JSONField(_("hình thức công bố kết quả"), default=list, blank=True)
    results_latest = models.DateField(_("hạn công bố kết quả"), null=True, blank=True)
    results_published_on = models.DateField(_("ngày công bố kết quả"), null=True, blank=True)
    results_late = models.BooleanField(_("công bố kết quả muộn"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hội nghị")
        verbose_name_plural = _("hội nghị")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["status", "starts_at"], name="meetings_conf_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=ConferenceStatus.PLANNED) | Q(announced_on__isnull=False),
                name="meetings_conf_announced_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def organisation(self) -> Organisation:
        return self.plan.organisation

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES

    @property
    def results_public(self) -> bool:
        return self.status in RESULTS_STATUSES

    @property
    def starts_on(self) -> dt.date:
        return timezone.localdate(self.starts_at)

    @property
    def accepts_questions(self) -> bool:
        """Questions in advance: from the announcement until the conference starts."""
        return self.status == ConferenceStatus.ANNOUNCED and timezone.now() < self.starts_at

    @property
    def topic_lines(self) -> list[str]:
        return [line.strip() for line in self.topics.splitlines() if line.strip()]

    def chair_lines(self) -> list[str]:
        """Chairs as "Name — post" (their current post), then the free-text chairs."""
        from langnghe.orgs.models import Position, active_q

        rank = {"head": 0, "deputy": 1, "member": 2, "staff": 3}
        org_id = self.plan.organisation_id
        lines = []
        for person in self.chair_people.all():
            # The post in the organising organisation first (a commune chair is often also the
            # party committee's deputy secretary), then the highest post.
            posts = sorted(
                Position.objects.filter(active_q(), person=person).values_list(
                    "title", "role", "organisation_id"
                ),
                key=lambda p: (p[2] != org_id, rank.get(p[1], 9)),
            )
            lines.append(f"{person.full_name} — {posts[0][0]}" if posts else person.full_name)
        lines += [line.strip() for line in self.chairs_text.splitlines() if line.strip()]
        return lines

    @property
    def quorum_met(self) -> bool | None:
        """DC-7: a staff conference needs two thirds of those called (None: not recorded)."""
        if self.kind != ConferenceKind.STAFF_CONFERENCE:
            return None
        if not self.attendees or not self.expected_attendees:
            return None
        return self.attendees * 3 >= self.expected_attendees * 2


class Speaker(models.Model):
    """One person who spoke at a conference. A citizen's name is personal data: staff only."""

    class Type(models.TextChoices):
        CADRE = "cadre", _("Cán bộ")
        CITIZEN = "citizen", _("Người dân")

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="speakers")
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    type = models.CharField(_("người phát biểu là"), max_length=10, choices=Type.choices)
    person = models.ForeignKey(
        Person, verbose_name=_("cán bộ"), null=True, blank=True, on_delete=models.PROTECT
    )
    name = models.CharField(_("họ và tên"), max_length=120, blank=True)
    role_or_village = models.CharField(_("chức vụ / thôn, tổ dân phố"), max_length=200, blank=True)
    summary = models.TextField(_("nội dung phát biểu"), blank=True)

    class Meta:
        verbose_name = _("người phát biểu")
        verbose_name_plural = _("người phát biểu")
        ordering = ["conference", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(type="citizen", person__isnull=True) | Q(type="cadre"),
                name="meetings_speaker_citizen_not_cadre",
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.person_id is not None:
            return self.person.full_name  # type: ignore[union-attr]
        return self.name


class Resolution(models.Model):
    """A resolution voted at a staff conference (DC-7: passed with more than half of those
    present)."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="resolutions")
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    text = models.TextField(_("nội dung nghị quyết"))
    votes_for = models.PositiveIntegerField(_("số người tán thành"))
    present = models.PositiveIntegerField(_("số người dự biểu quyết"))
    passed = models.BooleanField(_("được thông qua"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("nghị quyết hội nghị")
        verbose_name_plural = _("nghị quyết hội nghị")
        ordering = ["conference", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(votes_for__lte=models.F("present")) & Q(present__gte=1),
                name="meetings_resolution_votes_le_present",
            )
        ]

    def __str__(self) -> str:
        return self.text[:80]


class RaisedIssue(models.Model):
    """An issue raised at a conference; each one is tracked as a commitment, and one raised by a
    citizen is also an item of the spine, handled to its end."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="issues")
    speaker = models.ForeignKey(
        Speaker,
        verbose_name=_("người nêu"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="issues",
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    text = models.TextField(_("nội dung vấn đề"))
    answered_on_spot = models.BooleanField(_("đã trả lời tại hội nghị"), default=False)
    answer = models.TextField(_("nội dung trả lời"), blank=True)
    item = models.ForeignKey(
        Item,
        verbose_name=_("ý kiến trong hệ thống"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="raised_at_conferences",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("vấn đề được nêu")
        verbose_name_plural = _("vấn đề được nêu")
        ordering = ["conference", "order", "pk"]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def from_citizen(self) -> bool:
        return self.speaker is not None and self.speaker.type == Speaker.Type.CITIZEN


class Commitment(models.Model):
    """What the organisers undertook on a raised issue: who does it, by when, and how it went."""

    class Status(models.TextChoices):
        # Being carried out; "overdue" once the deadline passed (derived, see is_overdue).
        OPEN = "open", _("Đang thực hiện")
        # Done: the date and what was done are public.
        DONE = "done", _("Đã hoàn thành")

    issue = models.OneToOneField(RaisedIssue, on_delete=models.CASCADE, related_name="commitment")
    text = models.TextField(_("nội dung cam kết"))
    responsible_org = models.ForeignKey(
        Organisation,
        verbose_name=_("đơn vị chịu trách nhiệm"),
        on_delete=models.PROTECT,
        related_name="meeting_commitments",
    )
    responsible_person = models.ForeignKey(
        Person,
        verbose_name=_("người chịu trách nhiệm"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meeting_commitments",
    )
    deadline = models.DateField(_("thời hạn"))
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    done_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("cam kết")
        verbose_name_plural = _("cam kết")
        ordering = ["deadline", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", done_on__isnull=True)
                | Q(status="done", done_on__isnull=False),
                name="meetings_commitment_done_has_date",
            )
        ]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def conference(self) -> Conference:
        return self.issue.conference

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return self.status == self.Status.OPEN and self.deadline < (today or timezone.localdate())

    @property
    def overdue(self) -> bool:
        return self.is_overdue()

    @property
    def latest_progress(self) -> CommitmentProgress | None:
        """The last progress note (uses the prefetched list when there is one)."""
        notes = list(self.progress.all())
        return notes[-1] if notes else None

    @property
    def done_late(self) -> bool:
        return self.done_on is not None and self.done_on > self.deadline


class CommitmentProgress(models.Model):
    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="progress")
    on = models.DateField(_("ngày"))
    note = models.TextField(_("tiến độ"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tiến độ thực hiện cam kết")
        verbose_name_plural = _("tiến độ thực hiện cam kết")
        ordering = ["commitment", "on", "pk"]

    def __str__(self) -> str:
        return f"{self.on:%d/%m/%Y}: {self.note[:60]}"


class VoterRoll(models.Model):
    """The number of voters of a commune on a date, kept by staff (DC-6: the 10 % threshold)."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("tổ chức"),
        on_delete=models.PROTECT,
        related_name="voter_rolls",
    )
    voters = models.PositiveIntegerField(_("số cử tri"))
    as_of = models.DateField(_("tính đến ngày"))
    source = models.CharField(_("nguồn số liệu"), max_length=255)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("danh sách cử tri")
        verbose_name_plural = _("danh sách cử tri")
        ordering = ["organisation", "-as_of", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(voters__gte=1), name="meetings_roll_voters_pos")
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.voters} ({self.as_of:%d/%m/%Y})"


class VoterRequest(models.Model):
    """Voters asking for a dialogue conference (DC-6), collected online, one open per commune."""

    class Status(models.TextChoices):
        # Voters are adding their support.
        COLLECTING = "collecting", _("Đang lấy ý kiến cử tri")
        # At least 10 % of the voters asked: the leaders must act (DC-6).
        THRESHOLD_REACHED = "threshold_reached", _("Đã đủ 10% cử tri đề nghị")
        # A conference was planned in answer to the request.
        CONFERENCE_PLANNED = "conference_planned", _("Đã lên kế hoạch hội nghị")
        # Closed by staff (e.g. superseded), with a reason.
        CLOSED = "closed", _("Đã đóng")

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("tổ chức"),
        on_delete=models.PROTECT,
        related_name="voter_requests",
    )
    subject = models.CharField(_("nội dung đề nghị đối thoại"), max_length=300, blank=True)
    status = models.CharField(
        _("trạng thái"),
        max_length=20,
        choices=Status.choices,
        default=Status.COLLECTING,
        db_index=True,
    )
    opened_at = models.DateTimeField(_("ngày mở"), default=timezone.now)
    threshold_reached_at = models.DateTimeField(_("ngày đạt ngưỡng"), null=True, blank=True)
    closed_reason = models.CharField(_("lý do đóng"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("đề nghị đối thoại của cử tri")
        verbose_name_plural = _("đề nghị đối thoại của cử tri")
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(status__in=["collecting", "threshold_reached"]),
                name="meetings_one_open_voter_request",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.get_status_display()}"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.COLLECTING, self.Status.THRESHOLD_REACHED)


class VoterSupport(models.Model):
    """One voter's support. Only the name and village are kept in clear; the phone or ID number is
    reduced to a keyed hash, enough to count each voter once and nothing more."""

    request = models.ForeignKey(VoterRequest, on_delete=models.CASCADE, related_name="supports")
    full_name = models.CharField(_("họ và tên"), max_length=120)
    village = models.CharField(_("thôn, tổ dân phố"), max_length=120)
    voter_key = models.CharField(max_length=64)
    reason = models.CharField(_("điều muốn đối thoại"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("cử tri ủng hộ")
        verbose_name_plural = _("cử tri ủng hộ")
        ordering = ["request", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "voter_key"], name="meetings_support_once_per_voter"
            )
        ]

    def __str__(self) -> str:
        return self.full_name
