"""Organisations (an effective-dated tree with successions), people, positions and role grants."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

PATH_STEP = 5  # digits per tree level in Organisation.path: 99,999 children per parent


class AdminUnit(models.Model):
    """Gazetteer entry: a province, (legacy) district or commune, valid over a period.

    Codes are reused across schemes (a new commune takes the code of one predecessor), so a unit is
    identified by (code, scheme) and never matched on code alone.
    """

    class Level(models.TextChoices):
        PROVINCE = "province", _("Tỉnh")
        DISTRICT_LEGACY = "district_legacy", _("Huyện (trước 2025)")
        COMMUNE = "commune", _("Xã")
        WARD = "ward", _("Phường")
        TOWNSHIP_LEGACY = "township_legacy", _("Thị trấn (trước 2025)")
        SPECIAL_ZONE = "special_zone", _("Đặc khu")

    code = models.CharField(max_length=10)
    scheme = models.CharField(max_length=12, default="post-2025")  # "pre-2025" / "post-2025"
    name = models.CharField(max_length=120)
    level = models.CharField(max_length=20, choices=Level.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    successor = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="predecessors"
    )
    name_folded = models.CharField(max_length=120, db_index=True, blank=True)

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        constraints = [
            models.UniqueConstraint(fields=["code", "scheme"], name="adminunit_code_scheme")
        ]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_current(self) -> bool:
        return self.valid_to is None or self.valid_to >= timezone.localdate()


class Organisation(models.Model):
    """A party committee, people's committee, Front committee, cell... valid over a period.

    `path` is a materialised path ("00001.00004.") so a role granted on an organisation covers its
    subtree with one indexed prefix query (Wagtail's treebeard does the same).
    """

    class Kind(models.TextChoices):
        PARTY_COMMITTEE = "party_committee", _("Cấp ủy đảng")
        PARTY_CELL = "party_cell", _("Chi bộ")
        INSPECTION_COMMISSION = "inspection_commission", _("Ủy ban kiểm tra")
        PEOPLES_COMMITTEE = "peoples_committee", _("Ủy ban nhân dân")
        PEOPLES_COUNCIL = "peoples_council", _("Hội đồng nhân dân")
        FATHERLAND_FRONT = "fatherland_front", _("Mặt trận Tổ quốc")
        MASS_ORG = "mass_org", _("Tổ chức chính trị - xã hội")
        AGENCY = "agency", _("Cơ quan, đơn vị")

    class Level(models.TextChoices):
        PROVINCE = "province", _("Cấp tỉnh")
        DISTRICT_LEGACY = "district_legacy", _("Cấp huyện (trước 2025)")
        COMMUNE = "commune", _("Cấp xã")
        VILLAGE = "village", _("Thôn, làng")

    name = models.CharField(_("tên"), max_length=200)
    short_name = models.CharField(_("tên viết tắt"), max_length=60, blank=True)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(_("loại"), max_length=30, choices=Kind.choices)
    level = models.CharField(_("cấp"), max_length=20, choices=Level.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, unique=True, editable=False)
    admin_unit = models.ForeignKey(AdminUnit, null=True, blank=True, on_delete=models.PROTECT)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    # KN-4 / KN-9: remote, hard-to-reach areas get longer time limits.
    remote_area = models.BooleanField(_("vùng sâu, vùng xa"), default=False)
    accepts_items = models.BooleanField(_("tiếp nhận ý kiến"), default=True)

    class Meta:
        verbose_name = _("tổ chức")
        verbose_name_plural = _("tổ chức")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.path:
            self.path = self._next_path()
        super().save(*args, **kwargs)

    def _next_path(self) -> str:
        prefix = self.parent.path if self.parent is not None else ""
        siblings = (
            Organisation.objects.filter(parent=self.parent)
            if self.parent_id
            else (Organisation.objects.filter(parent__isnull=True))
        )
        last = siblings.order_by("-path").values_list("path", flat=True).first()
        number = int(last[len(prefix) : len(prefix) + PATH_STEP]) + 1 if last else 1
        return f"{prefix}{number:0{PATH_STEP}d}."

    @property
    def is_party(self) -> bool:
        return self.kind in {
            self.Kind.PARTY_COMMITTEE,
            self.Kind.PARTY_CELL,
            self.Kind.INSPECTION_COMMISSION,
        }

    def is_active_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or self.valid_to >= day
        )

    def ancestors(self) -> models.QuerySet[Organisation]:
        paths = [
            self.path[: i + PATH_STEP + 1] for i in range(0, len(self.path) - 1, PATH_STEP + 1)
        ]
        return Organisation.objects.filter(path__in=paths).exclude(pk=self.pk).order_by("path")

    def subtree(self) -> models.QuerySet[Organisation]:
        return Organisation.objects.filter(path__startswith=self.path)


def active_q(day: dt.date | None = None, prefix: str = "") -> Q:
    day = day or timezone.localdate()
    return (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": day})) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": day})
    )


class Succession(models.Model):
    """A merge, split, rename or transfer of part, with its date and legal basis (RULES.md §9)."""

    class Kind(models.TextChoices):
        MERGE = "merge", _("Hợp nhất, sáp nhập")
        SPLIT = "split", _("Chia tách")
        RENAME = "rename", _("Đổi tên")
        TRANSFER_PART = "transfer_part", _("Điều chỉnh một phần")
        DISSOLVE = "dissolve", _("Giải thể")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    predecessor = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="successions_out"
    )
    successor = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="successions_in"
    )
    effective_date = models.DateField(_("ngày hiệu lực"))
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=255)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("kế thừa tổ chức")
        verbose_name_plural = _("kế thừa tổ chức")

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.effective_date:%d/%m/%Y})"


class PartyStatus(models.TextChoices):
    FULL = "full", _("Đảng viên chính thức")
    PROBATIONARY = "probationary", _("Đảng viên dự bị")


class Person(models.Model):
    """A cadre or party member. Names are stored in Vietnamese order (family name first)."""

    full_name = models.CharField(_("họ và tên"), max_length=120)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    is_party_member = models.BooleanField(_("đảng viên"), default=False)
    # KT-8: the discipline forms allowed depend on whether the member is full or probationary.
    party_status = models.CharField(
        _("đảng tịch"), max_length=12, choices=PartyStatus.choices, blank=True
    )
    # KD-10: a party member is reviewed in the cell where they belong.
    party_cell = models.ForeignKey(
        "Organisation",
        verbose_name=_("sinh hoạt tại chi bộ"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cell_members",
    )
    public_profile = models.BooleanField(_("có trang công khai"), default=True)
    name_folded = models.CharField(max_length=120, blank=True, db_index=True)

    class Meta:
        verbose_name = _("cán bộ")
        verbose_name_plural = _("cán bộ")
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        from langnghe.search.text import fold

        self.name_folded = fold(self.full_name)
        super().save(*args, **kwargs)


class Position(models.Model):
    """A person's post in an organisation over a period."""

    class Role(models.TextChoices):
        HEAD = "head", _("Người đứng đầu")
        DEPUTY = "deputy", _("Cấp phó")
        MEMBER = "member", _("Thành viên")
        STAFF = "staff", _("Cán bộ, công chức")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="positions")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="positions"
    )
    title = models.CharField(_("chức vụ"), max_length=120)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.STAFF)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("chức vụ")
        verbose_name_plural = _("chức vụ")

    def __str__(self) -> str:
        return f"{self.person} — {self.title}, {self.organisation}"


class Role(models.TextChoices):
    """Staff roles of DESIGN.md §2; a grant on an organisation covers its subtree."""

    RECEPTIONIST = "receptionist", pgettext_lazy("role", "Tiếp nhận")
    HANDLER = "handler", pgettext_lazy("role", "Xử lý")
    UNIT_HEAD = "unit_head", pgettext_lazy("role", "Thủ trưởng đơn vị")
    LEADER = "leader", pgettext_lazy("role", "Lãnh đạo")
    INSPECTOR = "inspector", pgettext_lazy("role", "Kiểm tra")
    FRONT_LIAISON = "front_liaison", pgettext_lazy("role", "Mặt trận")
    ADMIN = "admin", pgettext_lazy("role", "Quản trị")


class RoleGrant(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grants"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="grants")
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("phân quyền")
        verbose_name_plural = _("phân quyền")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="rolegrant_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} @ {self.organisation}"


class PersonTie(models.Model):
    """A declared family tie between two people (TC-15: who may not verify or inspect whom).
    Declared once and read both ways; direct interests are declared per case by the apps that
    form teams."""

    class Kind(models.TextChoices):
        SPOUSE = "spouse", _("Vợ, chồng")
        PARENT = "parent", _("Cha, mẹ đẻ")
        ADOPTIVE_PARENT = "adoptive_parent", _("Cha, mẹ nuôi")
        PARENT_IN_LAW = "parent_in_law", _("Cha, mẹ vợ hoặc chồng")
        CHILD = "child", _("Con đẻ, con nuôi")
        CHILD_IN_LAW = "child_in_law", _("Con dâu, con rể")
        SIBLING = "sibling", _("Anh, chị, em ruột")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="ties")
    relative = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="ties_as_relative")
    kind = models.CharField(_("quan hệ"), max_length=20, choices=Kind.choices)
    declared_on = models.DateField(_("ngày kê khai"))

    class Meta:
        verbose_name = _("quan hệ gia đình đã kê khai")
        verbose_name_plural = _("quan hệ gia đình đã kê khai")
        constraints = [
            models.UniqueConstraint(fields=["person", "relative"], name="persontie_unique"),
            models.CheckConstraint(
                condition=~models.Q(person=models.F("relative")), name="persontie_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_kind_display()} — {self.relative}"


def tied_person_ids(person_id: int) -> set[int]:
    """Everyone with a declared family tie to `person_id`, whichever side declared it."""
    pairs = PersonTie.objects.filter(
        models.Q(person_id=person_id) | models.Q(relative_id=person_id)
    ).values_list("person_id", "relative_id")
    return {a if b == person_id else b for a, b in pairs}
