"""Back-office forms of the suggestion boxes: they validate input and turn it into service
arguments, nothing more."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from langnghe.backoffice.forms import (
    CHANNEL_DETAIL_FIELDS,
    COMMUNE_LEVELS,
    DMYDateField,
    OrgChoiceField,
    ReceptionForm,
)
from langnghe.intake.models import Channel
from langnghe.intake.services import Submission
from langnghe.orgs.models import AdminUnit, Organisation, active_q

from . import selectors
from .models import BoxOpening, SuggestionBox
from .services import MAX_NAME, MAX_NOTE, MAX_PLACE, MAX_ROLE, WitnessData

WITNESS_ROWS = 6


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def _admin_units() -> Any:
    return AdminUnit.objects.filter(active_q(), level__in=COMMUNE_LEVELS).order_by("name")


class RegisterFilterForm(forms.Form):
    """GET filters of the register; an invalid value drops that filter only."""

    don_vi = OrgChoiceField(
        label=_("Đơn vị"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Tất cả đơn vị"),
    )
    da_thu_hoi = forms.BooleanField(label=_("Cả hòm thư đã thu hồi"), required=False)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["don_vi"].queryset = selectors.filter_units_for(actor=actor)

    def values(self) -> tuple[Organisation | None, bool]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return data.get("don_vi"), bool(data.get("da_thu_hoi"))


class BoxForm(forms.Form):
    organisation = OrgChoiceField(
        label=_("Đơn vị quản lý hòm thư"),
        queryset=Organisation.objects.none(),
        empty_label=_("— Chọn đơn vị —"),
        help_text=_("Đơn vị mở hòm và tiếp nhận thư trong hòm."),
    )
    code = forms.CharField(
        label=_("Mã hòm thư"),
        max_length=12,
        required=False,
        help_text=_(
            "In trên áp phích, ví dụ ST-01. Để trống thì hệ thống tự đặt. Không sửa được sau khi lưu."
        ),
    )
    place = forms.CharField(
        label=_("Nơi đặt"),
        max_length=MAX_PLACE,
        help_text=_("Ví dụ: Cổng trụ sở UBND xã; Nhà văn hóa thôn 3."),
    )
    admin_unit = forms.ModelChoiceField(
        label=_("Xã, phường nơi đặt"),
        queryset=AdminUnit.objects.none(),
        required=False,
        empty_label=_("— Theo đơn vị quản lý —"),
    )
    installed_on = DMYDateField(label=_("Ngày đặt"), required=False)
    note = forms.CharField(
        label=_("Ghi chú"), widget=_textarea(2), max_length=MAX_NOTE, required=False
    )

    def __init__(self, *args: Any, actor: Any, box: SuggestionBox | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["admin_unit"].queryset = _admin_units()
        if box is not None:  # code and unit are printed on the posters: they stay
            del fields["organisation"]
            del fields["code"]
        else:
            units = selectors.register_units_for(actor=actor)
            fields["organisation"].queryset = units
            if not self.is_bound and len(units) == 1:
                self.initial.setdefault("organisation", units[0].pk)


class RetireForm(forms.Form):
    removed_on = DMYDateField(label=_("Ngày thu hồi"))
    reason = forms.CharField(label=_("Lý do thu hồi"), widget=_textarea(2), max_length=MAX_NOTE)


class OpeningForm(forms.Form):
    """The opening minutes' facts, with up to WITNESS_ROWS witnesses (empty rows are ignored)."""

    opened_date = DMYDateField(label=_("Ngày mở hòm"))
    opened_time = forms.TimeField(
        label=_("Giờ mở hòm"),
        input_formats=["%H:%M", "%Hg%M", "%Hh%M"],
        widget=forms.TimeInput(
            format="%H:%M", attrs={"placeholder": _("hh:mm"), "inputmode": "numeric"}
        ),
        error_messages={"invalid": _("Nhập giờ theo dạng hh:mm, ví dụ 08:30.")},
    )
    letters_count = forms.IntegerField(
        label=_("Số thư trong hòm"),
        min_value=0,
        max_value=100_000,
        help_text=_("Đếm trước người chứng kiến. Hòm không có thư: ghi 0."),
    )
    minutes_note = forms.CharField(
        label=_("Ghi chú biên bản"),
        widget=_textarea(3),
        max_length=MAX_NOTE,
        required=False,
        help_text=_("Ví dụ: tình trạng niêm phong, khóa hòm trước khi mở."),
    )

    def __init__(self, *args: Any, front: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n in range(1, WITNESS_ROWS + 1):
            # Each row's labels carry its number, so a screen reader (and a test) tells them apart.
            self.fields[f"w{n}_name"] = forms.CharField(
                label=_("Họ và tên người chứng kiến %(n)d") % {"n": n},
                max_length=MAX_NAME,
                required=False,
            )
            self.fields[f"w{n}_role"] = forms.CharField(
                label=_("Chức vụ, đơn vị người chứng kiến %(n)d") % {"n": n},
                max_length=MAX_ROLE,
                required=False,
            )
            self.fields[f"w{n}_front"] = forms.BooleanField(
                label=_("Người chứng kiến %(n)d là đại diện Mặt trận Tổ quốc") % {"n": n},
                required=False,
            )
        if not self.is_bound:
            now = timezone.localtime()
            self.initial.setdefault("opened_date", now.date())
            self.initial.setdefault("opened_time", now.time().replace(second=0, microsecond=0))
            if front is not None:  # the Front's usual witness, to be changed if someone else came
                self.initial.update(w1_name=front.full_name, w1_role=front.role, w1_front=True)

    def witness_rows(self) -> list[tuple[int, Any, Any, Any]]:
        return [
            (n, self[f"w{n}_name"], self[f"w{n}_role"], self[f"w{n}_front"])
            for n in range(1, WITNESS_ROWS + 1)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for n in range(1, WITNESS_ROWS + 1):
            name = (data.get(f"w{n}_name") or "").strip()
            role = (data.get(f"w{n}_role") or "").strip()
            if name and not role:
                self.add_error(f"w{n}_role", _("Ghi chức vụ, đơn vị của người chứng kiến."))
            elif role and not name:
                self.add_error(f"w{n}_name", _("Ghi họ tên người chứng kiến."))
        return data

    def opened_at(self) -> dt.datetime:
        data = self.cleaned_data
        return timezone.make_aware(dt.datetime.combine(data["opened_date"], data["opened_time"]))

    def witnesses(self) -> list[WitnessData]:
        data = self.cleaned_data
        return [
            WitnessData(
                full_name=data.get(f"w{n}_name") or "",
                role=data.get(f"w{n}_role") or "",
                is_front=bool(data.get(f"w{n}_front")),
            )
            for n in range(1, WITNESS_ROWS + 1)
            if (data.get(f"w{n}_name") or data.get(f"w{n}_role"))
        ]


class RecountForm(forms.Form):
    letters_count = forms.IntegerField(label=_("Số thư đúng"), min_value=0, max_value=100_000)
    reason = forms.CharField(label=_("Lý do sửa"), widget=_textarea(2), max_length=1000)


class CloseForm(forms.Form):
    note = forms.CharField(
        label=_("Giải trình chênh lệch số thư"),
        widget=_textarea(3),
        max_length=MAX_NOTE,
        required=False,
        help_text=_("Ví dụ: một tờ giấy trắng; hai tờ là một thư. Ghi vào biên bản."),
    )


class LetterForm(ReceptionForm):
    """One letter of the box: the staff intake form without the channel and unit (they come from
    the opening). A letter with a name or an address is signed; otherwise it is anonymous."""

    def __init__(self, *args: Any, actor: Any, opening: BoxOpening, **kwargs: Any) -> None:
        super().__init__(*args, actor=actor, **kwargs)
        self.opening = opening
        for name in (
            "channel",
            "receiving_org",
            "received_date",
            "anonymous",
            *CHANNEL_DETAIL_FIELDS,
        ):
            self.fields.pop(name, None)
        fields: Any = self.fields
        fields["attachments"].label = _("Bản chụp thư (ảnh hoặc PDF)")
        fields["name"].help_text = _("Để trống họ tên, địa chỉ, liên lạc nếu thư không ký tên.")
        if not self.is_bound:
            box = opening.box
            if box.admin_unit_id:
                self.initial.setdefault("admin_unit", box.admin_unit_id)

    def submission(self) -> Submission:
        data = self.cleaned_data
        box = self.opening.box
        # ReceptionForm.submission reads these; letter_enter sets them again from the opening.
        data["channel"] = Channel.SUGGESTION_BOX
        data["receiving_org"] = box.organisation
        data["received_date"] = timezone.localdate()
        data["anonymous"] = False
        return super().submission()
