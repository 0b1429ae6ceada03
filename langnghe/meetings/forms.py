"""Django forms of the meetings screens (back office and portal). They validate the shape of the
input; the services check the rules and permissions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from langnghe.core.forms import PlausibleDateField
from langnghe.core.text import has_text
from langnghe.intake.models import Kind
from langnghe.orgs.models import Organisation, Person, Position, active_q

from .models import (
    AnnualPlan,
    Conference,
    ConferenceKind,
    ConferenceMode,
    ConferenceTrigger,
    ResultsChannel,
    Speaker,
    VoterRequest,
)
from .services import ADVANCE_KINDS, ISSUE_KINDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
TEXT_LIMIT = 5000


def _area_orgs(organisation: Organisation) -> QuerySet[Organisation]:
    """The organisation's subtree and the organisations of the same commune or province (the
    party committee, council and Front sit in other branches of the tree)."""
    q = Q(path__startswith=organisation.path)
    if organisation.admin_unit_id is not None:
        q |= Q(admin_unit_id=organisation.admin_unit_id)
    return Organisation.objects.filter(q).filter(active_q()).order_by("path")


def _area_people(organisation: Organisation) -> QuerySet[Person]:
    orgs = _area_orgs(organisation)
    ids = Position.objects.filter(active_q(), organisation__in=orgs).values("person_id")
    return Person.objects.filter(pk__in=ids).order_by("full_name")


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        position = Position.objects.filter(active_q(), person=obj).order_by("role").first()
        return f"{obj.full_name} — {position.title}" if position else obj.full_name


class PeopleChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return PersonChoice.label_from_instance(self, obj)  # type: ignore[arg-type]


# -- back office ---------------------------------------------------------------------------------


class PlanForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Tổ chức"), queryset=Organisation.objects.none())
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Tên kế hoạch"), max_length=200)
    note = forms.CharField(
        label=_("Ghi chú"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, orgs: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = orgs  # type: ignore[attr-defined]


class PlanEditForm(forms.Form):
    title = forms.CharField(label=_("Tên kế hoạch"), max_length=200)
    note = forms.CharField(
        label=_("Ghi chú"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ConferenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại hội nghị"), choices=ConferenceKind.choices)
    title = forms.CharField(label=_("Tên hội nghị"), max_length=200)
    trigger = forms.ChoiceField(
        label=_("Căn cứ tổ chức"), choices=ConferenceTrigger.choices, initial="annual"
    )
    starts_date = PlausibleDateField(label=_("Ngày"), widget=DATE)
    starts_time = forms.TimeField(label=_("Giờ bắt đầu"), widget=TIME, initial=dt.time(8, 0))
    mode = forms.ChoiceField(label=_("Hình thức"), choices=ConferenceMode.choices)
    place = forms.CharField(label=_("Địa điểm"), max_length=255, required=False)
    online_link = forms.URLField(
        label=_("Đường dẫn trực tuyến / trang mạng xã hội"),
        required=False,
        max_length=200,
        assume_scheme="https",
    )
    topics = forms.CharField(
        label=_("Nội dung đối thoại"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Mỗi nội dung một dòng."),
    )
    co_organiser = forms.ModelChoiceField(
        label=_("Ủy ban MTTQ phối hợp tổ chức"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_(
            "Hội nghị đối thoại ở xã do UBND xã phối hợp với Ủy ban MTTQ xã tổ chức (DC-6)."
        ),
    )
    chair_people = PeopleChoice(
        label=_("Chủ trì, đồng chủ trì (cán bộ)"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    chairs_text = forms.CharField(
        label=_("Chủ trì, đồng chủ trì khác (họ tên, chức vụ)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    council_cochair = forms.BooleanField(
        label=_("Có đại diện Thường trực HĐND đồng chủ trì (DC-6)"), required=False
    )
    party_committee_invited = forms.BooleanField(
        label=_("Đã mời đại diện cấp ủy (DC-6)"), required=False
    )
    expected_attendees = forms.IntegerField(
        label=_("Số người được triệu tập"), required=False, min_value=0, max_value=1_000_000
    )
    voter_request = forms.ModelChoiceField(
        label=_("Theo đề nghị của cử tri"), queryset=VoterRequest.objects.none(), required=False
    )

    def __init__(self, *args: Any, plan: AnnualPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        org = plan.organisation
        self.plan = plan
        fronts = Organisation.objects.filter(kind=Organisation.Kind.FATHERLAND_FRONT).filter(
            Q(admin_unit_id=org.admin_unit_id) if org.admin_unit_id else Q(parent_id=org.parent_id)
        )
        self.fields["co_organiser"].queryset = fronts.order_by("path")  # type: ignore[attr-defined]
        self.fields["chair_people"].queryset = _area_people(org)  # type: ignore[attr-defined]
        self.fields["voter_request"].queryset = VoterRequest.objects.filter(  # type: ignore[attr-defined]
            organisation=org
        ).exclude(status=VoterRequest.Status.CLOSED)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day, time = data.get("starts_date"), data.get("starts_time")
        if day and time:
            if day.year != self.plan.year:
                self.add_error(
                    "starts_date",
                    _("Ngày hội nghị phải thuộc năm %(year)d của kế hoạch.")
                    % {"year": self.plan.year},
                )
            data["starts_at"] = timezone.make_aware(dt.datetime.combine(day, time))
        if data.get("mode") == ConferenceMode.IN_PERSON and not has_text(data.get("place") or ""):
            self.add_error("place", _("Vui lòng nhập địa điểm hội nghị."))
        return data

    @classmethod
    def initial_from(cls, conference: Conference) -> dict[str, Any]:
        local = timezone.localtime(conference.starts_at)
        return {
            "kind": conference.kind,
            "title": conference.title,
            "trigger": conference.trigger,
            "starts_date": local.date(),
            "starts_time": local.time().replace(second=0, microsecond=0),
            "mode": conference.mode,
            "place": conference.place,
            "online_link": conference.online_link,
            "topics": conference.topics,
            "co_organiser": conference.co_organiser_id,
            "chair_people": list(conference.chair_people.values_list("pk", flat=True)),
            "chairs_text": conference.chairs_text,
            "council_cochair": conference.council_cochair,
            "party_committee_invited": conference.party_committee_invited,
            "expected_attendees": conference.expected_attendees,
            "voter_request": conference.voter_request_id,
        }


class AnnounceForm(forms.Form):
    announced_on = PlausibleDateField(label=_("Ngày thông báo"), widget=DATE)
    channels = forms.CharField(
        label=_("Hình thức thông báo"),
        max_length=255,
        required=False,
        help_text=_("Ví dụ: loa truyền thanh, niêm yết tại trụ sở, trưởng thôn, cổng thông tin."),
    )


class HoldForm(forms.Form):
    held_on = PlausibleDateField(label=_("Ngày tổ chức"), widget=DATE)
    attendees = forms.IntegerField(
        label=_("Số người dự"), required=False, min_value=0, max_value=1_000_000
    )
    expected_attendees = forms.IntegerField(
        label=_("Số người được triệu tập"), required=False, min_value=0, max_value=1_000_000
    )


class SpeakerForm(forms.Form):
    type = forms.ChoiceField(
        label=_("Người phát biểu là"), choices=Speaker.Type.choices, widget=forms.RadioSelect
    )
    person = PersonChoice(
        label=_("Cán bộ (chọn nếu có trong danh sách)"),
        queryset=Person.objects.none(),
        required=False,
    )
    name = forms.CharField(label=_("Họ và tên"), max_length=120, required=False)
    role_or_village = forms.CharField(
        label=_("Chức vụ (cán bộ) / thôn, tổ dân phố (người dân)"), max_length=200, required=False
    )
    summary = forms.CharField(
        label=_("Nội dung phát biểu"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, conference: Conference, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = _area_people(conference.plan.organisation)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("person") and not has_text(data.get("name") or ""):
            self.add_error("name", _("Vui lòng nhập họ và tên người phát biểu."))
        return data


class IssueForm(forms.Form):
    speaker = forms.ModelChoiceField(
        label=_("Người nêu"), queryset=Speaker.objects.none(), required=False
    )
    kind = forms.ChoiceField(
        label=_("Loại ý kiến (khi người dân nêu)"),
        choices=[(k.value, k.label) for k in ISSUE_KINDS],
        initial=Kind.RECOMMENDATION,
    )
    text = forms.CharField(
        label=_("Vấn đề được nêu"), max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 3})
    )
    answered_on_spot = forms.BooleanField(label=_("Đã trả lời tại hội nghị"), required=False)
    answer = forms.CharField(
        label=_("Nội dung trả lời"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    commitment_text = forms.CharField(
        label=_("Cam kết giải quyết"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    responsible_org = forms.ModelChoiceField(
        label=_("Đơn vị chịu trách nhiệm"), queryset=Organisation.objects.none()
    )
    responsible_person = PersonChoice(
        label=_("Người chịu trách nhiệm (nếu có)"), queryset=Person.objects.none(), required=False
    )
    deadline = PlausibleDateField(label=_("Thời hạn"), widget=DATE)

    def __init__(self, *args: Any, conference: Conference, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        org = conference.plan.organisation
        self.fields["speaker"].queryset = conference.speakers.all()  # type: ignore[attr-defined]
        self.fields["speaker"].label_from_instance = (  # type: ignore[attr-defined]
            lambda s: f"{s.order}. {s.display_name} ({s.get_type_display()})"
        )
        self.fields["responsible_org"].queryset = _area_orgs(org)  # type: ignore[attr-defined]
        self.fields["responsible_person"].queryset = _area_people(org)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("answered_on_spot") and not has_text(data.get("answer") or ""):
            self.add_error("answer", _("Đã trả lời tại hội nghị: vui lòng ghi nội dung trả lời."))
        return data


class ResolutionForm(forms.Form):
    text = forms.CharField(
        label=_("Nội dung nghị quyết"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    votes_for = forms.IntegerField(label=_("Số người tán thành"), min_value=0, max_value=1_000_000)
    present = forms.IntegerField(
        label=_("Số người dự biểu quyết"),
        min_value=1,
        max_value=1_000_000,
        required=False,
        help_text=_("Bỏ trống: lấy số người dự hội nghị."),
    )


class MinutesCloseForm(forms.Form):
    summary = forms.CharField(
        label=_("Tóm tắt biên bản"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ResultsForm(forms.Form):
    summary = forms.CharField(
        label=_("Thông báo kết quả hội nghị"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    channels = forms.MultipleChoiceField(
        label=_("Hình thức công bố"),
        choices=ResultsChannel.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    published_on = PlausibleDateField(label=_("Ngày công bố"), widget=DATE)


class ProgressForm(forms.Form):
    on = PlausibleDateField(label=_("Ngày"), widget=DATE)
    note = forms.CharField(
        label=_("Tiến độ thực hiện"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    done = forms.BooleanField(label=_("Đã hoàn thành cam kết"), required=False)


class CommitmentFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[
            ("", _("Tất cả")),
            ("open", _("Đang thực hiện")),
            ("overdue", _("Quá hạn")),
            ("done", _("Đã hoàn thành")),
        ],
    )


class VoterRollForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Xã"), queryset=Organisation.objects.none())
    voters = forms.IntegerField(label=_("Số cử tri"), min_value=1, max_value=10_000_000)
    as_of = PlausibleDateField(label=_("Tính đến ngày"), widget=DATE)
    source = forms.CharField(
        label=_("Nguồn số liệu"),
        max_length=255,
        help_text=_("Ví dụ: danh sách cử tri bầu cử đại biểu HĐND năm 2026."),
    )

    def __init__(self, *args: Any, orgs: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = orgs.filter(  # type: ignore[attr-defined]
            kind=Organisation.Kind.PEOPLES_COMMITTEE, level=Organisation.Level.COMMUNE
        )


class CloseRequestForm(forms.Form):
    reason = forms.CharField(label=_("Lý do đóng"), max_length=300)


# -- portal --------------------------------------------------------------------------------------


class AdvanceQuestionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Loại ý kiến"),
        choices=[(k.value, k.label) for k in ADVANCE_KINDS],
        initial=Kind.RECOMMENDATION,
        widget=forms.RadioSelect,
    )
    body = forms.CharField(
        label=_("Câu hỏi, ý kiến của bạn"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Vui lòng nhập câu hỏi hoặc ý kiến.")},
    )
    village = forms.CharField(label=_("Thôn, tổ dân phố"), max_length=120, required=False)
    name = forms.CharField(label=_("Họ và tên (không bắt buộc)"), max_length=120, required=False)
    phone = forms.CharField(
        label=_("Số điện thoại (không bắt buộc)"), max_length=20, required=False
    )


class VoterSupportForm(forms.Form):
    full_name = forms.CharField(
        label=_("Họ và tên"),
        max_length=120,
        error_messages={"required": _("Vui lòng nhập họ và tên.")},
    )
    village = forms.CharField(
        label=_("Thôn, tổ dân phố"),
        max_length=120,
        error_messages={"required": _("Vui lòng nhập thôn, tổ dân phố nơi bạn cư trú.")},
    )
    phone_or_id = forms.CharField(
        label=_("Số điện thoại hoặc số CCCD/định danh"),
        max_length=20,
        error_messages={"required": _("Vui lòng nhập số điện thoại hoặc số định danh.")},
    )
    reason = forms.CharField(
        label=_("Điều bạn muốn đối thoại (không bắt buộc)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    is_voter = forms.BooleanField(
        label=_("Tôi là cử tri của xã này (đủ 18 tuổi, cư trú tại xã)."),
        error_messages={"required": _("Chỉ cử tri của xã mới được tính vào đề nghị.")},
    )
