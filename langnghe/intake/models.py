"""Items (one voice, said once), their reporter identities (sealed) and attachments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from langnghe.core.lookups import ComparedExact
from langnghe.orgs.models import AdminUnit, Organisation, Person


class Kind(models.TextChoices):
    SUGGESTION = "suggestion", _("Góp ý")
    FEEDBACK = "feedback", _("Phản ánh")
    RECOMMENDATION = "recommendation", _("Kiến nghị")
    COMPLAINT = "complaint", _("Khiếu nại")
    DENUNCIATION = "denunciation", _("Tố cáo")


class Channel(models.TextChoices):
    ONLINE = "online", _("Biểu mẫu trực tuyến")
    SUGGESTION_BOX = "suggestion_box", _("Hòm thư góp ý")
    PARTY_COMMITTEE_MEETING = "party_meeting", _("Gặp cấp ủy trực tiếp")
    FRONT_MEETING = "front_meeting", _("Gặp Mặt trận Tổ quốc")
    MASS_ORG_MEETING = "mass_org_meeting", _("Gặp tổ chức chính trị - xã hội")
    DIALOGUE_CONFERENCE = "dialogue_conference", _("Hội nghị đối thoại")
    VOTER_MEETING = "voter_meeting", _("Tiếp xúc cử tri")
    STAFF_CONFERENCE = "staff_conference", _("Hội nghị cán bộ, công chức")
    CELL_MEETING = "cell_meeting", _("Sinh hoạt chi bộ, chi hội")
    CITIZEN_RECEPTION = "citizen_reception", _("Tiếp công dân")
    LETTER = "letter", _("Thư, đơn gửi qua bưu điện")
    PHONE = "phone", _("Điện thoại")
    PRESS = "press", _("Báo chí")
    FORWARDED = "forwarded", _("Cơ quan khác chuyển đến")
    INTEGRATION = "integration", _("Hệ thống kết nối")


OFFLINE_CHANNELS = [c for c in Channel if c not in (Channel.ONLINE, Channel.INTEGRATION)]


class Topic(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name_vi = models.CharField(max_length=120)
    name_en = models.CharField(max_length=120)
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "name_vi"]
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")

    def __str__(self) -> str:
        from django.utils.translation import get_language

        return self.name_en if (get_language() or "vi").startswith("en") else self.name_vi


class DegradationIndicator(models.Model):
    """One of the 27 manifestations of degradation (Nghị quyết 04-NQ/TW), editable; wording that
    could not be verified is flagged and shown as such."""

    code = models.CharField(max_length=12, unique=True)  # e.g. TTCT-1, DDLS-3, TDB-9
    group = models.CharField(max_length=8)
    number = models.PositiveSmallIntegerField()
    text_vi = models.TextField()
    verified = models.BooleanField(default=False)
    sources = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["group", "number"]
        verbose_name = _("biểu hiện suy thoái")
        verbose_name_plural = _("27 biểu hiện suy thoái")

    def __str__(self) -> str:
        return f"{self.code}. {self.text_vi[:80]}"


class ReporterIdentity(models.Model):
    """The sealed part of a submission: who sent it. Encrypted with a key kept outside the
    database; only `pseudonym` is ever shown to handling units (DESIGN.md §4, TC-16)."""

    ciphertext = models.BinaryField()
    key_id = models.CharField(max_length=16)
    pseudonym = models.CharField(max_length=40)
    has_contact = models.BooleanField(default=False)
    wants_notifications = models.BooleanField(default=False)
    # TC-16b: a denouncer may decline confidentiality protection.
    waived_protection = models.BooleanField(default=False)
    # A keyed hash of the phone, ID number or e-mail (else of name and address; else random): the
    # same person counts once among an item's "distinct reporters", and nothing more is learnt
    # without the server's secret key (langnghe.intake.services.reporter_key).
    fingerprint = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("danh tính người gửi (niêm phong)")
        verbose_name_plural = _("danh tính người gửi (niêm phong)")

    def __str__(self) -> str:
        return self.pseudonym


class Item(models.Model):
    """What one person or group said once, of one kind (TCD-10 splits mixed content)."""

    code = models.CharField(_("mã tra cứu"), max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices, db_index=True)
    channel = models.CharField(_("kênh"), max_length=30, choices=Channel.choices)
    channel_detail = models.JSONField(_("chi tiết kênh"), default=dict, blank=True)
    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.PROTECT)
    admin_unit = models.ForeignKey(AdminUnit, null=True, blank=True, on_delete=models.PROTECT)
    location_text = models.CharField(_("địa điểm"), max_length=255, blank=True)
    concerned_org = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="items_concerning",
    )
    concerned_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="items_concerning"
    )
    indicators = models.ManyToManyField(DegradationIndicator, blank=True)
    title = models.CharField(_("tiêu đề"), max_length=200)
    body = models.TextField(_("nội dung"))
    group_size = models.PositiveIntegerField(_("số người cùng nội dung"), default=1)
    anonymous = models.BooleanField(_("giấu tên"), default=False)
    # TC-16: for a sealed kind, `title` and `body` are the copy verifiers read, with the sender's
    # identifying values removed; the original is kept here, encrypted, for reception.
    sealed_text = models.BinaryField(null=True, blank=True, editable=False)
    # TC-18: a denunciation of a party member for breaking party rules goes to the party side.
    party_matter = models.BooleanField(_("vi phạm quy định của Đảng"), default=False)
    identity = models.ForeignKey(
        ReporterIdentity, null=True, blank=True, on_delete=models.PROTECT, related_name="items"
    )
    split_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="split_items"
    )
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(_("ngày tiếp nhận"), db_index=True)

    # Handling state (written only by langnghe.handling.services).
    workflow = models.CharField(max_length=40)
    status = models.CharField(_("trạng thái"), max_length=40, db_index=True)
    is_open = models.BooleanField(default=True)
    receiving_org = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="items_received"
    )
    handling_org = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="items_handled"
    )
    handling_path = models.CharField(max_length=255, blank=True, db_index=True)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    complexity = models.CharField(max_length=16, default="normal")
    stage_deadline = models.DateField(_("hạn bước hiện tại"), null=True, blank=True)
    stage_deadline_cite = models.CharField(max_length=60, blank=True)
    resolution_deadline = models.DateField(_("hạn giải quyết"), null=True, blank=True)
    resolution_deadline_cite = models.CharField(max_length=60, blank=True)
    # Running time limits, by rule code: {"reply": {"due": "2026-03-06", "start": ..., "cite": ...}}.
    # The three date columns below are derived from it for indexing.
    deadlines = models.JSONField(default=dict, blank=True)
    # The earliest open deadline: the inbox sorts on it (overdue first, then due soon).
    due_on = models.DateField(null=True, blank=True)
    paused_on = models.DateField(null=True, blank=True)
    paused_from_status = models.CharField(max_length=40, blank=True)
    complexity_criteria = models.JSONField(default=list, blank=True)
    extensions_used = models.PositiveSmallIntegerField(default=0)
    forward_count = models.PositiveSmallIntegerField(default=0)
    reminded_for = models.DateField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    hard_alarm_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The earliest deadline that was running when the item closed: "answered on time" is
    # closed_at's date <= due_at_close (null: no time limit ran).
    due_at_close = models.DateField(null=True, blank=True)

    # Publication and the citizen's verdict.
    is_published = models.BooleanField(default=False, db_index=True)
    published_at = models.DateTimeField(null=True, blank=True)
    public_summary = models.TextField(_("tóm tắt công khai"), blank=True)
    public_answer = models.TextField(_("trả lời công khai"), blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    rating_comment = models.TextField(blank=True)
    reopen_count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("ý kiến")
        verbose_name_plural = _("ý kiến")
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["handling_path", "is_open", "due_on"], name="item_inbox"),
            models.Index(fields=["is_published", "-published_at"], name="item_published"),
            # The inbox (handling.selectors.inbox_items_for) walks the open items in due order
            # and tests each one against the visibility rules (handling.rules.visible_items_q):
            # the index holds every column they read, so at a province's size the walk does not
            # visit the table for each item it passes over (docs/performance.md).
            models.Index(
                fields=[
                    "is_open",
                    "due_on",
                    "handling_path",
                    "kind",
                    "receiving_org",
                    "concerned_person",
                    "concerned_org",
                    "received_at",
                    "id",
                ],
                name="item_open_due",
            ),
            # The open items of a scope counted by unit (dashboards, reports): the index holds
            # every column those counts read, so the table itself is not visited. The scope is a
            # path prefix (LIKE '00001.%'), which PostgreSQL can look up in a btree only with the
            # pattern operator class, the database's collation not being C (SQLite ignores it).
            models.Index(
                fields=["is_open", "handling_path", "handling_org", "due_on"],
                name="item_open_units",
                opclasses=["bool_ops", "varchar_pattern_ops", "int8_ops", "date_ops"],
            ),
            # Opinion signals (accountability.opinion): the items about one cadre or one unit.
            models.Index(fields=["concerned_person", "received_at"], name="item_concerned_person"),
            models.Index(fields=["concerned_org", "received_at"], name="item_concerned_org"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(group_size__gte=1), name="item_group_size_positive"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="item_rating_range",
            ),
            # An anonymous item has no identity in the vault, whatever the channel.
            models.CheckConstraint(
                condition=Q(anonymous=False) | Q(identity__isnull=True),
                name="item_anonymous_has_no_identity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"

    @property
    def closed_on_time(self) -> bool | None:
        if self.is_open or self.closed_at is None:
            return None
        if self.due_at_close is None:
            return None  # no time limit was running: neither on time nor late
        from django.utils import timezone

        return timezone.localdate(self.closed_at) <= self.due_at_close

    @property
    def reporter_label(self) -> str:
        from django.utils.translation import gettext

        if self.identity_id is None:
            return gettext("Người gửi giấu tên")
        pseudonym: str = self.identity.pseudonym  # type: ignore[union-attr]
        # Stored as "Người gửi #<ref>" (intake.services._pseudonym); shown in the user's language.
        prefix, sep, ref = pseudonym.partition("#")
        if sep and prefix.strip() == "Người gửi":
            return gettext("Người gửi #%(ref)s") % {"ref": ref}
        return pseudonym


# The open / published flags lead the inbox, due-date and publication indexes: compared, not
# written bare, so that SQLite can search those indexes (langnghe.core.lookups).
for _flag in (Item.is_open.field, Item.is_published.field):
    _flag.register_lookup(ComparedExact, "exact")


class Attachment(models.Model):
    """A file the citizen sent. `file` is the sanitised copy (metadata stripped) that staff see;
    the original is kept sealed (encrypted) with its hash (DESIGN.md §4)."""

    class Kind(models.TextChoices):
        IMAGE = "image", _("Ảnh")
        PDF = "pdf", _("PDF")
        AUDIO = "audio", _("Ghi âm")

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    file = models.FileField(upload_to="attachments/%Y/%m/")
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    sealed_path = models.CharField(max_length=255)
    original_sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")

    def __str__(self) -> str:
        return f"{self.item.code} #{self.pk} ({self.kind})"
