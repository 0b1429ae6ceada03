"""Suggestion boxes (hòm thư góp ý): the register of boxes, their openings with witnesses, and
the letters found in them, each entered as an item of the spine (channel `suggestion_box`).

The rules for boxes are not verified (RULES.md P99-3): every number lives in the rule book
`policies/boxes.yaml`, never here.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from langnghe.intake.models import Item
from langnghe.orgs.models import AdminUnit, Organisation


class SuggestionBox(models.Model):
    """One physical box, hung somewhere, belonging to the unit that opens it and receives its
    letters. A retired box keeps its history (openings and letters) and leaves the portal."""

    code = models.CharField(_("mã hòm thư"), max_length=12, unique=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("đơn vị quản lý"),
        on_delete=models.PROTECT,
        related_name="suggestion_boxes",
    )
    place = models.CharField(_("nơi đặt"), max_length=200)
    admin_unit = models.ForeignKey(
        AdminUnit,
        verbose_name=_("xã, phường"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    installed_on = models.DateField(_("ngày đặt"), null=True, blank=True)
    removed_on = models.DateField(_("ngày thu hồi"), null=True, blank=True)
    active = models.BooleanField(_("đang sử dụng"), default=True)
    note = models.TextField(_("ghi chú"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hòm thư góp ý")
        verbose_name_plural = _("hòm thư góp ý")
        ordering = ["organisation__path", "code"]
        constraints = [
            # Retired exactly when it has a removal date: the register and the portal agree.
            models.CheckConstraint(
                condition=Q(active=True, removed_on__isnull=True)
                | Q(active=False, removed_on__isnull=False),
                name="box_active_iff_not_removed",
            ),
            models.CheckConstraint(
                condition=Q(installed_on__isnull=True)
                | Q(removed_on__isnull=True)
                | Q(removed_on__gte=models.F("installed_on")),
                name="box_removed_after_installed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.place}"


class BoxOpening(models.Model):
    """One opening of a box: when, who witnessed it, how many letters were found, and the
    entry of those letters one by one."""

    class State(models.TextChoices):
        # Staff: the box was opened and its letters counted; none entered yet. Citizens: nothing
        # visible yet beyond "the box was opened on...".
        RECORDED = "recorded", _("Đã mở, chưa vào sổ thư")
        # Staff: letters are being entered, each becoming a tracked item.
        ENTERING = "entering", _("Đang vào sổ thư")
        # Staff and citizens: every letter counted was entered (or the difference explained).
        COMPLETE = "complete", _("Đã vào sổ đủ thư")

    box = models.ForeignKey(
        SuggestionBox, verbose_name=_("hòm thư"), on_delete=models.PROTECT, related_name="openings"
    )
    number = models.PositiveIntegerField(_("lần mở thứ"))
    opened_at = models.DateTimeField(_("thời điểm mở"))
    letters_count = models.PositiveIntegerField(_("số thư trong hòm"))
    state = models.CharField(
        _("tình trạng"), max_length=12, choices=State.choices, default=State.RECORDED
    )
    minutes_note = models.TextField(_("ghi chú biên bản"), blank=True)
    # Why fewer (or more) letters were entered than counted: needed to close a mismatch.
    mismatch_note = models.TextField(_("giải trình chênh lệch số thư"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người lập biên bản"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lần mở hòm thư")
        verbose_name_plural = _("lần mở hòm thư")
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["box", "number"], name="boxopening_box_number"),
            models.CheckConstraint(
                condition=~Q(state="complete") | Q(completed_at__isnull=False),
                name="boxopening_complete_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.box.code} #{self.number}"

    @property
    def is_complete(self) -> bool:
        return self.state == self.State.COMPLETE

    def can_enter_letters(self) -> bool:
        return self.state != self.State.COMPLETE


class BoxWitness(models.Model):
    """A person present at the opening, as written in the minutes."""

    opening = models.ForeignKey(BoxOpening, on_delete=models.CASCADE, related_name="witnesses")
    order = models.PositiveSmallIntegerField(default=1)
    full_name = models.CharField(_("họ và tên"), max_length=120)
    role = models.CharField(_("chức vụ, đơn vị"), max_length=200)
    # The Fatherland Front's presence is common practice (a local setting may require it).
    is_front = models.BooleanField(_("đại diện Mặt trận Tổ quốc"), default=False)

    class Meta:
        verbose_name = _("người chứng kiến")
        verbose_name_plural = _("người chứng kiến")
        ordering = ["opening", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.role})"


class BoxLetter(models.Model):
    """Letter n of an opening, entered as an item. A letter mixing kinds becomes several items
    (TCD-10); `item` is the first, the others are its `split_items`."""

    opening = models.ForeignKey(BoxOpening, on_delete=models.PROTECT, related_name="letters")
    sequence = models.PositiveIntegerField(_("số thứ tự thư"))
    item = models.OneToOneField(Item, on_delete=models.PROTECT, related_name="box_letter")
    signed = models.BooleanField(_("thư có ký tên"), default=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("thư trong hòm")
        verbose_name_plural = _("thư trong hòm")
        ordering = ["opening", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["opening", "sequence"], name="boxletter_sequence"),
            models.CheckConstraint(condition=Q(sequence__gte=1), name="boxletter_sequence_pos"),
        ]

    def __str__(self) -> str:
        return f"{self.opening} / {self.sequence}"
