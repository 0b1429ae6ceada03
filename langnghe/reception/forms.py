"""Forms of citizen reception (back office and portal). They validate shapes; the rules with
legal weight are checked by the services, whose errors come back next to the fields."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from langnghe.backoffice.forms import DMYDateField, OrgChoiceField
from langnghe.core.text import has_text
from langnghe.intake.models import Kind, Topic
from langnghe.intake.services import MAX_BODY, Part
from langnghe.orgs.models import Organisation, Person

from . import policy, selectors
from .models import (
    AdhocGround,
    Capacity,
    OnlineCase,
    ReceptionSession,
    ReceptionSite,
    RefusalGround,
    SessionForm,
    SessionKind,
)
from .services import SessionInput, Visit

TIME_FORMATS = ["%H:%M", "%Hg%M", "%Hh%M", "%H.%M"]


def _time(label: Any, **kwargs: Any) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        input_formats=TIME_FORMATS,
        widget=forms.TimeInput(
            format="%H:%M", attrs={"placeholder": _("hh:mm"), "inputmode": "numeric"}
        ),
        error_messages={"invalid": _("Nhập giờ theo dạng hh:mm, ví dụ 07:30.")},
        **kwargs,
    )


def _area(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class SiteForm(forms.Form):
    organisation = OrgChoiceField(label=_("Đơn vị"), queryset=Organisation.objects.none())
    name = forms.CharField(label=_("Tên địa điểm"), max_length=200)
    address = forms.CharField(label=_("Địa chỉ"), max_length=255)
    regular_hours = forms.CharField(
        label=_("Thời gian tiếp thường xuyên"),
        widget=_area(3),
        max_length=2000,
        required=False,
        help_text=_("Ví dụ: Thứ Hai đến thứ Sáu, sáng 7g30–11g00, chiều 13g30–16g30."),
    )
    phone = forms.CharField(label=_("Điện thoại"), max_length=30, required=False)
    online = forms.BooleanField(label=_("Có điểm cầu tiếp trực tuyến (TCD-14)"), required=False)
    active = forms.BooleanField(label=_("Đang hoạt động"), required=False, initial=True)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["organisation"].queryset = selectors.managed_orgs(actor)


class SessionCreateForm(forms.Form):
    organisation = OrgChoiceField(
        label=_("Đơn vị tổ chức tiếp"), queryset=Organisation.objects.none()
    )
    kind = forms.ChoiceField(label=_("Loại buổi tiếp (TCD-1)"), choices=SessionKind.choices)
    form = forms.ChoiceField(
        label=_("Hình thức (TCD-2)"), choices=SessionForm.choices, initial=SessionForm.IN_PERSON
    )
    site: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Địa điểm"),
        queryset=ReceptionSite.objects.none(),
        required=False,
        empty_label=_("— Chọn địa điểm —"),
    )
    head = forms.ModelChoiceField(
        label=_("Người chủ trì tiếp"),
        queryset=Person.objects.none(),
        required=False,
        empty_label=_("— Chọn —"),
    )
    capacity = forms.ChoiceField(label=_("Tư cách tiếp (tính định mức)"), choices=Capacity.choices)
    date = DMYDateField(label=_("Ngày tiếp"))
    start_time = _time(_("Bắt đầu"))
    end_time = _time(_("Kết thúc"))
    participants = forms.CharField(
        label=_("Thành phần tham dự"), widget=_area(2), max_length=2000, required=False
    )
    expected_content = forms.CharField(
        label=_("Nội dung dự kiến"), widget=_area(2), max_length=2000, required=False
    )
    adhoc_ground = forms.ChoiceField(
        label=_("Căn cứ tiếp đột xuất (Q11-5, TCD-6)"),
        choices=[("", _("— Không —")), *AdhocGround.choices],
        required=False,
    )
    adhoc_note = forms.CharField(
        label=_("Vụ việc cần tiếp đột xuất"), widget=_area(2), max_length=2000, required=False
    )
    online_case = forms.ChoiceField(
        label=_("Trường hợp tiếp trực tuyến (TCD-14)"),
        choices=[("", _("— Không —")), *OnlineCase.choices],
        required=False,
    )
    slot_minutes = forms.IntegerField(
        label=_("Thời lượng mỗi lượt (phút)"), min_value=5, max_value=240, initial=20
    )
    slot_capacity = forms.IntegerField(
        label=_("Số người mỗi lượt"), min_value=1, max_value=50, initial=1
    )
    booking_open = forms.BooleanField(
        label=_("Cho công dân đăng ký lượt tiếp trực tuyến"), required=False, initial=True
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["organisation"].queryset = selectors.managed_orgs(actor)
        fields["site"].queryset = selectors.sites_for(actor).filter(active=True)
        fields["head"].queryset = selectors.heads_for(actor)
        if not self.is_bound:
            self.initial.setdefault("start_time", dt.time(7, 30))
            self.initial.setdefault("end_time", dt.time(11, 0))
            self.initial.setdefault(
                "slot_minutes", policy.book().setting("default_slot_minutes", 20)
            )
            self.initial.setdefault(
                "slot_capacity", policy.book().setting("default_slot_capacity", 1)
            )

    def clean_date(self) -> dt.date:
        value: dt.date = self.cleaned_data["date"]
        if value.year < 2000 or value > timezone.localdate() + dt.timedelta(days=800):
            raise forms.ValidationError(_("Ngày tiếp không hợp lệ."))
        return value

    def to_input(self) -> SessionInput:
        d = self.cleaned_data
        return SessionInput(
            organisation=d["organisation"],
            kind=d["kind"],
            form=d["form"],
            site=d.get("site"),
            head=d.get("head"),
            capacity=d["capacity"],
            date=d["date"],
            start_time=d["start_time"],
            end_time=d["end_time"],
            participants=d.get("participants") or "",
            expected_content=d.get("expected_content") or "",
            adhoc_ground=d.get("adhoc_ground") or "",
            adhoc_note=d.get("adhoc_note") or "",
            online_case=d.get("online_case") or "",
            slot_minutes=d["slot_minutes"],
            slot_capacity=d["slot_capacity"],
            booking_open=bool(d.get("booking_open")),
        )


class PostponeForm(forms.Form):
    reason = forms.CharField(label=_("Lý do hoãn"), widget=_area(2), max_length=2000)
    new_date = DMYDateField(label=_("Ngày tiếp mới (nếu đã định)"), required=False)


class HoldForm(forms.Form):
    held_on = DMYDateField(label=_("Ngày đã tiếp"), required=False)
    connection_tested_on = DMYDateField(
        label=_("Ngày kiểm tra đường truyền (trực tuyến)"), required=False
    )
    recording_kept = forms.BooleanField(
        label=_("Đã ghi âm, ghi hình và lưu trữ (trực tuyến, TCD-14)"), required=False
    )


class ConclusionForm(forms.Form):
    number = forms.CharField(label=_("Số thông báo"), max_length=60)
    issued_on = DMYDateField(label=_("Ngày ban hành"))
    content = forms.CharField(label=_("Nội dung kết luận"), widget=_area(10), max_length=20_000)
    recipients = forms.CharField(
        label=_("Nơi nhận"),
        widget=_area(3),
        max_length=2000,
        help_text=_("Mỗi dòng một nơi nhận."),
    )
    signer = forms.CharField(label=_("Người ký"), max_length=120)


class RevealForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do xem họ tên, địa chỉ (được ghi nhật ký)"), max_length=500, min_length=5
    )


class RefusalNoticeForm(forms.Form):
    number = forms.CharField(label=_("Số thông báo"), max_length=60)
    issued_on = DMYDateField(label=_("Ngày ban hành"))
    signer = forms.CharField(label=_("Người ký"), max_length=120)


KIND_ABBR = {
    Kind.COMPLAINT: "KN",
    Kind.DENUNCIATION: "TC",
    Kind.RECOMMENDATION: "KN",
    Kind.FEEDBACK: "PA",
    Kind.SUGGESTION: "GY",
}
MAX_PARTS = 3


class LogEntryForm(forms.Form):
    """A visit, as written into the log (Mẫu 03/TCD), and its content split by kind (TCD-10)."""

    organisation = OrgChoiceField(
        label=_("Đơn vị tiếp"),
        queryset=Organisation.objects.none(),
        empty_label=_("— Chọn đơn vị —"),
    )
    session = forms.ModelChoiceField(
        label=_("Buổi tiếp"),
        queryset=ReceptionSession.objects.none(),
        required=False,
        empty_label=_("— Tiếp thường xuyên (không theo buổi) —"),
    )
    booking_id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    received_on = DMYDateField(label=_("Ngày tiếp"))
    name = forms.CharField(label=_("Họ và tên"), max_length=120, required=False)
    address = forms.CharField(label=_("Địa chỉ"), max_length=255, required=False)
    id_number = forms.RegexField(
        label=_("Số CCCD/hộ chiếu"),
        regex=r"^\d{9}$|^\d{12}$",
        required=False,
        error_messages={"invalid": _("Số CCCD gồm 12 chữ số (CMND cũ: 9 chữ số).")},
    )
    phone = forms.CharField(label=_("Điện thoại"), max_length=20, required=False)
    group_size = forms.IntegerField(
        label=_("Số người cùng nội dung"), min_value=1, max_value=100_000, initial=1
    )
    representatives = forms.CharField(
        label=_("Người đại diện, mỗi dòng một người (TCD-13)"),
        widget=_area(2),
        max_length=1000,
        required=False,
    )
    kind = forms.ChoiceField(
        label=_("Loại đơn"), choices=[("", _("— Chọn —")), *Kind.choices], required=False
    )
    body = forms.CharField(
        label=_("Nội dung công dân trình bày"), widget=_area(5), max_length=MAX_BODY, required=False
    )
    part2_kind = forms.ChoiceField(label=_("Loại của phần thứ hai"), required=False)
    part2_body = forms.CharField(
        label=_("Nội dung phần thứ hai"), widget=_area(3), max_length=MAX_BODY, required=False
    )
    part3_kind = forms.ChoiceField(label=_("Loại của phần thứ ba"), required=False)
    part3_body = forms.CharField(
        label=_("Nội dung phần thứ ba"), widget=_area(3), max_length=MAX_BODY, required=False
    )
    topic = forms.ModelChoiceField(
        label=_("Lĩnh vực"),
        queryset=Topic.objects.none(),
        required=False,
        empty_label=_("— Chưa xác định —"),
    )
    summary = forms.CharField(
        label=_("Tóm tắt nội dung (cột 5)"),
        widget=_area(2),
        max_length=2000,
        required=False,
        help_text=_("Để trống thì lấy phần đầu nội dung."),
    )
    prior_bodies = forms.CharField(
        label=_("Cơ quan đã giải quyết (cột 8)"), max_length=1000, required=False
    )
    within_competence = forms.BooleanField(
        label=_("Thuộc thẩm quyền (cột 9)"), required=False, initial=True
    )
    guidance = forms.CharField(
        label=_("Hướng dẫn đến cơ quan có thẩm quyền — số văn bản (cột 10)"),
        max_length=255,
        required=False,
    )
    forwarded_to = forms.CharField(
        label=_("Cơ quan thụ lý — số văn bản chuyển đơn (cột 11)"), max_length=255, required=False
    )
    follow_up = forms.CharField(
        label=_("Theo dõi kết quả giải quyết (cột 12)"),
        widget=_area(2),
        max_length=2000,
        required=False,
    )
    notes = forms.CharField(
        label=_("Ghi chú (cột 13)"), widget=_area(2), max_length=2000, required=False
    )
    refuse = forms.BooleanField(label=_("Từ chối tiếp công dân (TCD-7)"), required=False)
    refusal_ground = forms.ChoiceField(
        label=_("Căn cứ từ chối"),
        choices=[("", _("— Chọn —")), *RefusalGround.choices],
        required=False,
    )
    refusal_explanation = forms.CharField(
        label=_("Giải thích cho công dân"), widget=_area(2), max_length=2000, required=False
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        self.actor = actor
        orgs = selectors.log_orgs(actor)
        fields["organisation"].queryset = orgs
        fields["session"].queryset = (
            selectors.sessions_for(actor)
            .filter(organisation__in=orgs, status__in=selectors.HELD)
            .order_by("-date")
        )
        part_kinds = [("", _("— Không có —")), *Kind.choices]
        fields["part2_kind"].choices = part_kinds
        fields["part3_kind"].choices = part_kinds
        fields["topic"].queryset = Topic.objects.filter(active=True)
        if not self.is_bound:
            self.initial.setdefault("received_on", timezone.localdate())
            self.initial.setdefault("group_size", 1)
            self.initial.setdefault("within_competence", True)
            if len(orgs) == 1:
                self.initial.setdefault("organisation", orgs[0].pk)

    def clean_received_on(self) -> dt.date:
        value: dt.date = self.cleaned_data["received_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("Ngày tiếp không được sau hôm nay."))
        if value.year < 2000:
            raise forms.ValidationError(_("Ngày tiếp không hợp lệ."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None
        refuse = data.get("refuse")
        if refuse:
            if not data.get("refusal_ground"):
                self.add_error("refusal_ground", _("Vui lòng chọn căn cứ từ chối."))
            if not has_text(data.get("refusal_explanation") or ""):
                self.add_error("refusal_explanation", _("Vui lòng ghi giải thích cho công dân."))
            if not has_text(data.get("summary") or data.get("body") or ""):
                self.add_error("summary", _("Vui lòng nhập tóm tắt nội dung."))
            return data
        if not has_text(data.get("name") or ""):
            self.add_error("name", _("Vui lòng nhập họ tên công dân (TCD-9)."))
        if not data.get("kind"):
            self.add_error("kind", _("Vui lòng chọn loại đơn."))
        if not has_text(data.get("body") or ""):
            self.add_error("body", _("Vui lòng nhập nội dung công dân trình bày."))
        kinds = [data.get("kind")]
        for n in range(2, MAX_PARTS + 1):
            kind, body = data.get(f"part{n}_kind"), (data.get(f"part{n}_body") or "").strip()
            if kind and not body:
                self.add_error(f"part{n}_body", _("Vui lòng nhập nội dung của phần này."))
            elif body and not kind:
                self.add_error(f"part{n}_kind", _("Vui lòng chọn loại của phần này."))
            if kind:
                if kind in kinds:
                    self.add_error(f"part{n}_kind", _("Mỗi loại đơn chỉ nhập một lần (TCD-10)."))
                kinds.append(kind)
        return data

    def to_visit(self, booking: Any = None) -> Visit:
        d = self.cleaned_data
        refuse = bool(d.get("refuse"))
        parts: list[Part] = []
        if not refuse:
            parts.append(Part(kind=d["kind"], body=d["body"]))
            for n in range(2, MAX_PARTS + 1):
                if d.get(f"part{n}_kind"):
                    parts.append(Part(kind=d[f"part{n}_kind"], body=d[f"part{n}_body"]))
        return Visit(
            organisation=d["organisation"],
            received_on=d["received_on"],
            name=d.get("name") or "",
            address=d.get("address") or "",
            id_number=d.get("id_number") or "",
            phone=d.get("phone") or "",
            parts=parts,
            summary=d.get("summary") or (d.get("body") or "")[:300],
            group_size=d.get("group_size") or 1,
            representatives=[
                line.strip()
                for line in (d.get("representatives") or "").splitlines()
                if line.strip()
            ],
            prior_bodies=d.get("prior_bodies") or "",
            within_competence=bool(d.get("within_competence")),
            guidance=d.get("guidance") or "",
            forwarded_to=d.get("forwarded_to") or "",
            follow_up=d.get("follow_up") or "",
            notes=d.get("notes") or "",
            session=d.get("session"),
            booking=booking,
            refusal_ground=d.get("refusal_ground") or "" if refuse else "",
            refusal_explanation=d.get("refusal_explanation") or "",
            topic=d.get("topic"),
        )


class LogFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100, required=False)
    organisation = OrgChoiceField(
        label=_("Đơn vị"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("— Tất cả —"),
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        from .rules import VIEW_LOG_ROLES

        fields["organisation"].queryset = selectors.orgs_for(actor, VIEW_LOG_ROLES).filter(
            accepts_items=True
        )


# -- portal --------------------------------------------------------------------------------


class BookingForm(forms.Form):
    slot = forms.TypedChoiceField(label=_("Giờ tiếp"), coerce=int, widget=forms.RadioSelect)
    name = forms.CharField(label=_("Họ và tên"), max_length=120)
    phone = forms.CharField(
        label=_("Số điện thoại"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("Để cán bộ báo cho bạn nếu lịch tiếp thay đổi."),
    )
    address = forms.CharField(label=_("Địa chỉ (không bắt buộc)"), max_length=255, required=False)
    content = forms.CharField(
        label=_("Nội dung bạn muốn trình bày"),
        widget=_area(4),
        max_length=1000,
        help_text=_("Ngắn gọn; thông tin này được bảo mật, không công khai."),
    )

    def __init__(self, *args: Any, slots: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["slot"].choices = [
            (row["slot"].pk, f"{row['slot'].start:%H:%M}–{row['slot'].end:%H:%M}")
            for row in slots
            if row["free"] > 0
        ]


class BookingLookupForm(forms.Form):
    code = forms.CharField(label=_("Mã đăng ký"), max_length=20)
    secret = forms.CharField(label=_("Mật mã"), max_length=64)
