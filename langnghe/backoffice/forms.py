"""Back-office forms: they validate input and turn it into service arguments, nothing more."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from langnghe.core.forms import PlausibleDateField, validate_deliverable_email
from langnghe.handling import selectors
from langnghe.handling.config_services import (
    can_set_deployment_wide_rules,
    routing_rule_refusal,
    rule_admin_units_for,
    rule_targets_for,
)
from langnghe.handling.models import Answer, RoutingRule
from langnghe.handling.policy import Transition
from langnghe.handling.services import MAX_TEXT
from langnghe.intake.models import (
    OFFLINE_CHANNELS,
    Channel,
    DegradationIndicator,
    Kind,
    Topic,
)
from langnghe.intake.services import MAX_BODY, MAX_TITLE, Part, Submission
from langnghe.orgs.models import PATH_STEP, AdminUnit, Organisation, Person, active_q

from .templatetags.backoffice import staff_name

DATE_FORMAT = "%d/%m/%Y"
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]
COMMUNE_LEVELS = [AdminUnit.Level.COMMUNE, AdminUnit.Level.WARD, AdminUnit.Level.SPECIAL_ZONE]


class DMYDateInput(forms.DateInput):
    """A text box in dd/mm/yyyy: the browser's date picker would post ISO and show the device's
    own order, and staff copy dates from paper written day first."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        base = {"placeholder": _("dd/mm/yyyy"), "inputmode": "numeric", "autocomplete": "off"}
        super().__init__(attrs={**base, **(attrs or {})}, format=DATE_FORMAT)


class DMYDateField(PlausibleDateField):
    widget = DMYDateInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", DATE_INPUT_FORMATS)
        kwargs.setdefault(
            "error_messages", {"invalid": _("Nhập ngày theo dạng dd/mm/yyyy, ví dụ 05/03/2026.")}
        )
        super().__init__(**kwargs)


class OrgChoiceField(forms.ModelChoiceField):
    """An organisation select indented by depth in the tree."""

    def label_from_instance(self, obj: Organisation) -> str:
        depth = max(len(obj.path) // (PATH_STEP + 1) - 1, 0)
        return "\u00a0\u00a0" * depth + obj.name


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        full = staff_name(obj)
        return full if full == obj.get_username() else f"{full} ({obj.get_username()})"


class ItemPageForm(forms.Form):
    """The item page carries several forms with like-named fields ("reason"): each class gets
    its own id prefix so that every label points at its own box."""

    id_prefix = "f"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


# -- inbox ---------------------------------------------------------------------------------------


class InboxFilterForm(forms.Form):
    """GET filters; an invalid value drops that filter only."""

    q = forms.CharField(label=_("Tìm kiếm"), required=False, max_length=200)
    unit = OrgChoiceField(
        label=_("Đơn vị xử lý"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Tất cả đơn vị"),
    )
    kind = forms.ChoiceField(label=_("Loại"), required=False)
    channel = forms.ChoiceField(label=_("Kênh"), required=False)
    status = forms.ChoiceField(label=_("Trạng thái"), required=False)
    topic = forms.ModelChoiceField(
        label=_("Lĩnh vực"),
        queryset=Topic.objects.none(),
        required=False,
        empty_label=_("Tất cả lĩnh vực"),
    )
    overdue = forms.BooleanField(label=_("Chỉ ý kiến quá hạn"), required=False)
    mine = forms.BooleanField(label=_("Được giao cho tôi"), required=False)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields  # django-stubs types fields as the Field base class
        fields["unit"].queryset = selectors.inbox_units_for(actor=actor)
        fields["topic"].queryset = Topic.objects.filter(active=True)
        fields["kind"].choices = [("", _("Tất cả loại")), *Kind.choices]
        fields["channel"].choices = [("", _("Tất cả kênh")), *Channel.choices]
        # Open items by default: the inbox is the work to do (and, at a province's size, the
        # open items are the few thousand a page can be sorted from quickly).
        # A callable: read when the select is drawn or a status is given, not on every inbox
        # page (the drawn form is cached, templates/backoffice/inbox.html).
        fields["status"].choices = self._status_choices

    @staticmethod
    def _status_choices() -> list[tuple[str, Any]]:
        return [
            ("open", _("Đang mở")),
            ("all", _("Tất cả trạng thái")),
            ("closed", _("Đã kết thúc")),
            *selectors.status_choices(),
        ]

    def filters(self) -> selectors.InboxFilters:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        topic = data.get("topic")
        return selectors.InboxFilters(
            unit=data.get("unit"),
            kind=data.get("kind") or "",
            channel=data.get("channel") or "",
            status=_status_filter(data.get("status")),
            topic_id=topic.pk if topic else None,
            overdue_only=bool(data.get("overdue")),
            mine_only=bool(data.get("mine")),
            query=data.get("q") or "",
        )


def _status_filter(value: str | None) -> str:
    if not value:
        return "open"
    return "" if value == "all" else value


class BulkAssignForm(forms.Form):
    """The handler of a bulk assignment; the item ids come from the row checkboxes and are
    checked one by one by access_item and item_assign."""

    handler = UserChoiceField(
        label=_("Giao cho"), queryset=None, empty_label=_("— Chọn người xử lý —")
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields  # django-stubs types fields as the Field base class
        fields["handler"].queryset = selectors.assignable_handlers_for(actor=actor)


# -- the item page -------------------------------------------------------------------------------

# Free text that ends up on the sender's tracking page must say so (review M14). A transition's
# message or reason is written into a public timeline event, except for the transitions below,
# whose event is internal (langnghe.handling.services.item_transition); tests/backoffice checks
# that the labels and the events agree.
INTERNAL_TEXT_TRANSITIONS = frozenset({"draft_answer", "return_draft"})
PUBLIC_TEXT_LABEL = _("Nội dung gửi người gửi (hiển thị công khai trên trang tra cứu)")
PUBLIC_TEXT_HELP = _(
    "Người gửi đọc được nguyên văn. Điều chỉ cán bộ được biết, hãy ghi vào Ghi chú nội bộ."
)
INTERNAL_TEXT_LABEL = _("Lý do (nội bộ, người gửi không thấy)")


def _public_text() -> forms.CharField:
    return forms.CharField(
        label=PUBLIC_TEXT_LABEL,
        help_text=PUBLIC_TEXT_HELP,
        widget=_textarea(),
        max_length=MAX_TEXT,
    )


REQUIREMENT_FIELDS: dict[str, Any] = {
    "message": _public_text,
    "reason": _public_text,
    "answer": lambda: forms.CharField(
        label=_("Nội dung trả lời"), widget=_textarea(6), max_length=MAX_TEXT
    ),
    "target_body": lambda: forms.CharField(label=_("Cơ quan nhận chuyển"), max_length=255),
    "finding": lambda: forms.ChoiceField(
        label=_("Kết quả xác minh"), choices=[("", "—"), *Answer.Finding.choices]
    ),
}


def transition_form_class(t: Transition) -> type[forms.Form]:
    """A form with exactly the fields the transition requires (Transition.requires)."""
    fields: dict[str, forms.Field] = {}
    for name in t.requires:
        make = REQUIREMENT_FIELDS.get(name)
        # A requirement added to the policy data later still gets a box rather than a crash.
        fields[name] = make() if make else forms.CharField(label=name, max_length=MAX_TEXT)
        if name in ("message", "reason") and t.name in INTERNAL_TEXT_TRANSITIONS:
            fields[name].label = INTERNAL_TEXT_LABEL
            fields[name].help_text = _("Chỉ cán bộ xem được; người gửi không thấy.")
        if name == "answer" and t.name == "draft_answer":
            # What the public site may show is written by staff, never taken from the sender's
            # text (item_transition publishes only when both are given; review C2).
            fields["public_summary"] = forms.CharField(
                label=_("Tóm tắt công khai (không bắt buộc)"),
                help_text=_(
                    "Một hai câu về nội dung ý kiến, viết cho mọi người đọc, không nêu tên, "
                    "địa chỉ hay chi tiết nhận ra người gửi."
                ),
                widget=_textarea(2),
                max_length=MAX_TEXT,
                required=False,
            )
            fields["public_answer"] = forms.CharField(
                label=_("Bản công khai (không bắt buộc)"),
                help_text=_(
                    "Chỉ công khai khi có cả tóm tắt và bản trả lời công khai; để trống thì "
                    "không công khai. Không nêu thông tin nhận dạng người gửi."
                ),
                widget=_textarea(4),
                max_length=MAX_TEXT,
                required=False,
            )
    return type(f"TransitionForm_{t.name}", (forms.Form,), fields)


def transition_form(t: Transition, data: Any = None) -> forms.Form:
    return transition_form_class(t)(data, prefix=f"t-{t.name}")


class NoteForm(ItemPageForm):
    id_prefix = "note"
    body = forms.CharField(
        label=_("Ghi chú nội bộ"),
        widget=_textarea(),
        max_length=MAX_TEXT,
        help_text=_("Chỉ cán bộ xem được; người gửi không thấy."),
    )


class RouteForm(ItemPageForm):
    id_prefix = "route"
    unit = OrgChoiceField(
        label=_("Chuyển đến đơn vị"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Tự động theo quy tắc"),
    )
    # Kept internal: the view files it as an internal note, never on the routing event.
    reason = forms.CharField(
        label=_("Lý do chuyển (ghi chú nội bộ, không bắt buộc)"),
        help_text=_("Chỉ cán bộ xem được; người gửi chỉ thấy tên đơn vị xử lý mới."),
        widget=_textarea(2),
        required=False,
        max_length=MAX_TEXT,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields  # django-stubs types fields as the Field base class
        fields["unit"].queryset = selectors.route_targets()


class AssignForm(ItemPageForm):
    id_prefix = "assign"
    handler = UserChoiceField(
        label=_("Người xử lý"), queryset=None, empty_label=_("— Chọn người xử lý —")
    )

    def __init__(self, *args: Any, item: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields  # django-stubs types fields as the Field base class
        fields["handler"].queryset = selectors.handlers_for_item(item=item)


# KN-5 (NĐ 124/2020 Đ3a as added by NĐ 155/2026); TC-7 uses the same seven criteria.
COMPLEXITY_CRITERIA = [
    ("multiple_places", _("Phải xác minh ở từ hai địa điểm trở lên")),
    ("multiple_contents", _("Có từ hai nội dung trở lên cần xác minh")),
    ("many_people", _("Nhiều người khiếu nại hoặc liên quan đến quyền, lợi ích của nhiều người")),
    ("foreign_element", _("Có yếu tố nước ngoài")),
    ("several_agencies", _("Liên quan đến trách nhiệm của nhiều cơ quan, đơn vị")),
    ("agencies_disagree", _("Các cơ quan, đơn vị có ý kiến khác nhau")),
    ("conflicting_evidence", _("Tài liệu, chứng cứ mâu thuẫn, cần thời gian giám định")),
]
COMPLEXITY_LEVELS = [
    ("normal", _("Bình thường")),
    ("complex", _("Phức tạp")),
    ("very_complex", _("Đặc biệt phức tạp")),
]


class ComplexityForm(ItemPageForm):
    id_prefix = "complexity"
    complexity = forms.ChoiceField(label=_("Mức độ"), choices=COMPLEXITY_LEVELS)
    criteria = forms.MultipleChoiceField(
        label=_("Tiêu chí (KN-5)"),
        choices=COMPLEXITY_CRITERIA,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    other = forms.CharField(
        label=_("Tiêu chí khác, mỗi dòng một tiêu chí"),
        widget=_textarea(2),
        required=False,
        max_length=2000,
    )

    @classmethod
    def initial_for(cls, item: Any) -> dict[str, Any]:
        labels = {str(label): code for code, label in COMPLEXITY_CRITERIA}
        chosen = [labels[c] for c in item.complexity_criteria if c in labels]
        other = [c for c in item.complexity_criteria if c not in labels]
        return {"complexity": item.complexity, "criteria": chosen, "other": "\n".join(other)}

    def criteria_texts(self) -> list[str]:
        """The criteria as written text: the record "in writing" the rule asks for."""
        labels = dict(COMPLEXITY_CRITERIA)
        texts = [str(labels[c]) for c in self.cleaned_data["criteria"]]
        texts += [line.strip() for line in self.cleaned_data["other"].splitlines() if line.strip()]
        return texts


class ExtendForm(ItemPageForm):
    id_prefix = "extend"
    new_date = DMYDateField(label=_("Hạn mới"))
    # item_extend writes the reason into a public timeline event.
    reason = forms.CharField(
        label=_("Lý do gia hạn, gửi người gửi (hiển thị công khai trên trang tra cứu)"),
        help_text=PUBLIC_TEXT_HELP,
        widget=_textarea(2),
        max_length=MAX_TEXT,
    )

    def clean_new_date(self) -> dt.date:
        value = self.cleaned_data["new_date"]
        if value <= timezone.localdate():
            raise forms.ValidationError(_("Ngày gia hạn phải sau hôm nay."))
        return value


class MergeForm(ItemPageForm):
    id_prefix = "merge"
    into_code = forms.CharField(
        label=_("Mã ý kiến được gộp vào"),
        max_length=20,
        widget=forms.TextInput(attrs={"placeholder": "26-ABCDEF", "autocomplete": "off"}),
    )


class ConcernedFields(forms.Form):
    """The unit and the cadre an item concerns, as reception records them (and corrects them)."""

    concerned_org = OrgChoiceField(
        label=_("Cơ quan, đơn vị bị phản ánh"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("— Không —"),
    )
    concerned_person = forms.ModelChoiceField(
        label=_("Cán bộ bị phản ánh"),
        queryset=Person.objects.none(),
        required=False,
        empty_label=_("— Không —"),
    )


class ClassifyForm(ConcernedFields, ItemPageForm):
    """Correct what intake recorded (item_classify): kind, who or what it concerns, party rules."""

    id_prefix = "classify"
    kind = forms.ChoiceField(label=_("Loại ý kiến"), choices=Kind.choices)
    party_matter = forms.BooleanField(
        label=_("Tố cáo đảng viên vi phạm quy định của Đảng (chuyển Ủy ban kiểm tra, TC-18)"),
        required=False,
    )
    reason = forms.CharField(
        label=_("Lý do điều chỉnh (ghi chú nội bộ)"),
        help_text=_(
            "Chỉ cán bộ xem được. Đổi loại ý kiến thì thời hạn tính lại từ ngày tiếp nhận."
        ),
        widget=_textarea(2),
        max_length=MAX_TEXT,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["concerned_org"].queryset = selectors.route_targets()
        fields["concerned_person"].queryset = Person.objects.order_by("full_name")

    @classmethod
    def initial_for(cls, item: Any) -> dict[str, Any]:
        return {
            "kind": item.kind,
            "concerned_org": item.concerned_org_id,
            "concerned_person": item.concerned_person_id,
            "party_matter": item.party_matter,
        }


class AppealForm(ItemPageForm):
    """A second-instance complaint brought to reception on paper (KN-9)."""

    id_prefix = "appeal"
    body = forms.CharField(
        label=_("Nội dung khiếu nại lần hai"), widget=_textarea(4), max_length=MAX_BODY
    )


class RevealForm(ItemPageForm):
    id_prefix = "reveal"
    reason = forms.CharField(
        label=_("Lý do xem danh tính"),
        widget=_textarea(2),
        min_length=5,
        max_length=500,
        help_text=_("Việc xem danh tính được ghi nhật ký kiểm toán."),
    )


# -- reception -----------------------------------------------------------------------------------


MEETING_CHANNELS = [
    Channel.PARTY_COMMITTEE_MEETING,
    Channel.FRONT_MEETING,
    Channel.MASS_ORG_MEETING,
    Channel.DIALOGUE_CONFERENCE,
    Channel.VOTER_MEETING,
    Channel.STAFF_CONFERENCE,
    Channel.CELL_MEETING,
    Channel.CITIZEN_RECEPTION,
]

# Which detail fields fit which channel: (channel values, field names, required field names).
CHANNEL_DETAILS: list[tuple[list[str], list[str], list[str]]] = [
    ([Channel.SUGGESTION_BOX], ["box_name", "box_opened_on"], ["box_name"]),
    (
        [c.value for c in MEETING_CHANNELS],
        ["meeting_name", "meeting_date", "meeting_place"],
        ["meeting_name"],
    ),
    ([Channel.LETTER], ["letter_date", "sender_reference"], []),
    ([Channel.PHONE], ["call_time", "phone_line"], []),
    ([Channel.PRESS], ["press_outlet", "article_date", "article_title"], ["press_outlet"]),
    (
        [Channel.FORWARDED],
        ["forwarding_body", "forwarding_number", "forwarding_date"],
        ["forwarding_body"],
    ),
]
CHANNEL_DETAIL_FIELDS = [name for _c, names, _r in CHANNEL_DETAILS for name in names]

CHANNEL_DETAIL_LABELS = {
    "box_name": _("Hòm thư"),
    "box_opened_on": _("Ngày mở hòm thư"),
    "meeting_name": _("Tên buổi gặp, hội nghị"),
    "meeting_date": _("Ngày gặp, hội nghị"),
    "meeting_place": _("Địa điểm"),
    "letter_date": _("Ngày ghi trên thư"),
    "sender_reference": _("Số, ký hiệu của người gửi"),
    "call_time": _("Giờ gọi"),
    "phone_line": _("Số máy nhận cuộc gọi"),
    "press_outlet": _("Cơ quan báo chí"),
    "article_date": _("Ngày đăng bài"),
    "article_title": _("Tên bài báo"),
    "forwarding_body": _("Cơ quan chuyển đến"),
    "forwarding_number": _("Số văn bản chuyển"),
    "forwarding_date": _("Ngày văn bản chuyển"),
    # Set by the capabilities that gather voices (the item page links to where it came from).
    "publication": _("Văn bản công khai (mã)"),
    "via": _("Gửi qua"),
    "conference": _("Hội nghị (mã)"),
    "issue": _("Vấn đề nêu tại hội nghị (mã)"),
    "advance_question": _("Câu hỏi gửi trước hội nghị"),
    "reception_entry": _("Dòng sổ tiếp công dân (mã)"),
    "session": _("Buổi tiếp công dân (mã)"),
    "log_number": _("Số thứ tự trong sổ tiếp công dân"),
    "box": _("Mã hòm thư"),
    "opening": _("Lần mở hòm thư (mã)"),
    "letter": _("Thư số"),
    "integration": _("Hệ thống kết nối"),
    "open311": _("Dữ liệu Open311"),
}

IDENTITY_LABELS = {
    "name": _("Họ và tên"),
    "address": _("Địa chỉ"),
    "phone": _("Điện thoại"),
    "email": _("Thư điện tử"),
    "id_number": _("Số định danh cá nhân / CCCD"),
    "representatives": _("Người đại diện"),
    "original_title": _("Tiêu đề gốc (chưa lược danh tính)"),
    "original_body": _("Nội dung gốc (chưa lược danh tính)"),
}

MAX_PARTS = 3


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            MultipleFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png,image/webp"}),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [f for f in (single(d, initial) for d in data) if f]
        cleaned = single(data, initial)
        return [cleaned] if cleaned else []


def _past_or_today(value: dt.date | None) -> None:
    if value is not None and value > timezone.localdate():
        raise forms.ValidationError(_("Ngày không được sau hôm nay."))


class ReceptionForm(ConcernedFields):
    """The staff version of the intake form, for the offline channels."""

    channel = forms.ChoiceField(label=_("Kênh tiếp nhận"))
    receiving_org = OrgChoiceField(
        label=_("Đơn vị tiếp nhận"),
        queryset=Organisation.objects.none(),
        empty_label=_("— Chọn đơn vị —"),
    )
    received_date = DMYDateField(label=_("Ngày tiếp nhận"))

    # Channel details, each group shown for its channels.
    box_name = forms.CharField(
        label=CHANNEL_DETAIL_LABELS["box_name"], max_length=120, required=False
    )
    box_opened_on = DMYDateField(
        label=CHANNEL_DETAIL_LABELS["box_opened_on"], required=False, validators=[_past_or_today]
    )
    meeting_name = forms.CharField(
        label=CHANNEL_DETAIL_LABELS["meeting_name"], max_length=200, required=False
    )
    meeting_date = DMYDateField(
        label=CHANNEL_DETAIL_LABELS["meeting_date"], required=False, validators=[_past_or_today]
    )
    meeting_place = forms.CharField(
        label=CHANNEL_DETAIL_LABELS["meeting_place"], max_length=200, required=False
    )
    letter_date = DMYDateField(
        label=CHANNEL_DETAIL_LABELS["letter_date"], required=False, validators=[_past_or_today]
    )
    sender_reference = forms.CharField(
        label=CHANNEL_DETAIL_LABELS["sender_reference"], max_length=100, required=False
    )
    call_time = forms.TimeField(
        label=CHANNEL_DETAIL_LABELS["call_time"],
        required=False,
        input_formats=["%H:%M", "%Hg%M", "%Hh%M"],
        widget=forms.TimeInput(format="%H:%M", attrs={"placeholder": _("hh:mm")}),
    )
    phone_line = forms.CharField(
        label=CHANNEL_DETAIL_LABELS["phone_line"], max_length=30, required=False
    )
    press_outlet = forms.CharField(
        label=CHANNEL_DETAIL_LABELS["press_outlet"], max_length=200, required=False
    )
    article_date = DMYDateField(
        label=CHANNEL_DETAIL_LABELS["article_date"], required=False, validators=[_past_or_today]
    )
    article_title = forms.CharField(
        label=CHANNEL_DETAIL_LABELS["article_title"], max_length=300, required=False
    )
    forwarding_body = forms.CharField(
        label=CHANNEL_DETAIL_LABELS["forwarding_body"], max_length=200, required=False
    )
    forwarding_number = forms.CharField(
        label=CHANNEL_DETAIL_LABELS["forwarding_number"], max_length=100, required=False
    )
    forwarding_date = DMYDateField(
        label=CHANNEL_DETAIL_LABELS["forwarding_date"], required=False, validators=[_past_or_today]
    )

    # Content. Mixed content is split into one item per kind (TCD-10).
    kind = forms.ChoiceField(label=_("Loại ý kiến"), choices=Kind.choices)
    title = forms.CharField(
        label=_("Tiêu đề"),
        max_length=MAX_TITLE,
        required=False,
        help_text=_("Để trống thì lấy dòng đầu của nội dung."),
    )
    body = forms.CharField(label=_("Nội dung"), widget=_textarea(8), max_length=MAX_BODY)
    part2_kind = forms.ChoiceField(label=_("Loại của phần thứ hai"), required=False)
    part2_body = forms.CharField(
        label=_("Nội dung phần thứ hai"), widget=_textarea(4), max_length=MAX_BODY, required=False
    )
    part3_kind = forms.ChoiceField(label=_("Loại của phần thứ ba"), required=False)
    part3_body = forms.CharField(
        label=_("Nội dung phần thứ ba"), widget=_textarea(4), max_length=MAX_BODY, required=False
    )
    topic = forms.ModelChoiceField(
        label=_("Lĩnh vực"),
        queryset=Topic.objects.none(),
        required=False,
        empty_label=_("— Chưa xác định —"),
    )
    admin_unit = forms.ModelChoiceField(
        label=_("Xã, phường nơi xảy ra"),
        queryset=AdminUnit.objects.none(),
        required=False,
        empty_label=_("— Chưa xác định —"),
    )
    location_text = forms.CharField(label=_("Địa điểm cụ thể"), max_length=255, required=False)
    indicators = forms.ModelMultipleChoiceField(
        label=_("Biểu hiện suy thoái liên quan"),
        queryset=DegradationIndicator.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    party_matter = forms.BooleanField(
        label=_("Tố cáo đảng viên vi phạm Điều lệ, quy định của Đảng (TC-18)"), required=False
    )

    # The sender. Everything here is sealed in the vault.
    anonymous = forms.BooleanField(label=_("Người gửi giấu tên"), required=False)
    name = forms.CharField(label=IDENTITY_LABELS["name"], max_length=120, required=False)
    address = forms.CharField(label=IDENTITY_LABELS["address"], max_length=255, required=False)
    phone = forms.CharField(label=IDENTITY_LABELS["phone"], max_length=20, required=False)
    email = forms.EmailField(
        label=IDENTITY_LABELS["email"],
        max_length=254,
        required=False,
        validators=[validate_deliverable_email],
    )
    id_number = forms.RegexField(
        label=IDENTITY_LABELS["id_number"],
        regex=r"^\d{9}$|^\d{12}$",
        required=False,
        error_messages={"invalid": _("Số CCCD gồm 12 chữ số (CMND cũ: 9 chữ số).")},
    )
    wants_notifications = forms.BooleanField(
        label=_("Người gửi muốn nhận thông báo"), required=False
    )
    waived_protection = forms.BooleanField(
        label=_("Người tố cáo không yêu cầu giữ bí mật danh tính (TC-16b)"), required=False
    )
    group_size = forms.IntegerField(
        label=_("Số người cùng nội dung"), min_value=1, max_value=100_000, initial=1
    )
    representatives = forms.CharField(
        label=_("Người đại diện, mỗi dòng một người (TCD-13)"),
        widget=_textarea(2),
        required=False,
        max_length=1000,
    )

    attachments = MultipleFileField(
        label=_("Tệp đính kèm (bản chụp thư: PDF hoặc ảnh)"), required=False
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields  # django-stubs types fields as the Field base class
        self.actor = actor
        fields["channel"].choices = [
            ("", _("— Chọn kênh —")),
            *[(c.value, c.label) for c in OFFLINE_CHANNELS],
        ]
        orgs = selectors.receiving_orgs_for(actor=actor)
        fields["receiving_org"].queryset = orgs
        part_kinds = [("", _("— Không có —")), *Kind.choices]
        fields["part2_kind"].choices = part_kinds
        fields["part3_kind"].choices = part_kinds
        fields["topic"].queryset = Topic.objects.filter(active=True)
        fields["admin_unit"].queryset = AdminUnit.objects.filter(
            active_q(), level__in=COMMUNE_LEVELS
        ).order_by("name")
        fields["concerned_org"].queryset = Organisation.objects.filter(active_q()).order_by("path")
        fields["concerned_person"].queryset = Person.objects.order_by("full_name")
        fields["indicators"].queryset = DegradationIndicator.objects.all()
        if not self.is_bound:
            self.initial.setdefault("received_date", timezone.localdate())
            if len(orgs) == 1:
                self.initial.setdefault("receiving_org", orgs[0].pk)
            self.initial.setdefault("group_size", 1)

    def channel_groups(self) -> list[tuple[str, list[Any]]]:
        """Detail fieldsets for the template, each with the channel values it serves."""
        return [
            (" ".join(str(c) for c in channels), [self[n] for n in names])
            for channels, names, _r in CHANNEL_DETAILS
        ]

    def clean_received_date(self) -> dt.date:
        value = self.cleaned_data["received_date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("Ngày tiếp nhận không được sau hôm nay."))
        if value.year < 2000:
            raise forms.ValidationError(_("Ngày tiếp nhận không hợp lệ."))
        return value

    def clean_attachments(self) -> list[Any]:
        files = self.cleaned_data["attachments"]
        options: dict[str, Any] = settings.LANGNGHE
        most, limit = int(options["MAX_ATTACHMENTS"]), int(options["MAX_ATTACHMENT_BYTES"])
        if len(files) > most:
            raise forms.ValidationError(_("Tối đa %(n)d tệp đính kèm.") % {"n": most})
        for f in files:
            if f.size > limit:
                raise forms.ValidationError(
                    _("Tệp %(name)s quá lớn (tối đa %(mb)d MB).")
                    % {"name": f.name, "mb": limit // (1024 * 1024)}
                )
        return files

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        channel = data.get("channel")
        for channels, _names, required in CHANNEL_DETAILS:
            if channel in channels:
                for name in required:
                    if name in data and not data.get(name):
                        self.add_error(name, _("Vui lòng nhập thông tin này cho kênh đã chọn."))
        kinds = [data.get("kind")]
        for n in range(2, MAX_PARTS + 1):
            kind, body = data.get(f"part{n}_kind"), (data.get(f"part{n}_body") or "").strip()
            if kind and not body:
                self.add_error(f"part{n}_body", _("Vui lòng nhập nội dung của phần này."))
            elif body and not kind:
                self.add_error(f"part{n}_kind", _("Vui lòng chọn loại của phần này."))
            if kind:
                if kind in kinds:
                    self.add_error(f"part{n}_kind", _("Mỗi loại ý kiến chỉ nhập một lần (TCD-10)."))
                kinds.append(kind)
        identity_given = any(
            data.get(k) for k in ("name", "address", "phone", "email", "id_number")
        )
        if data.get("anonymous") and (identity_given or data.get("representatives")):
            self.add_error(
                "anonymous", _("Người gửi giấu tên: không ghi họ tên, địa chỉ, liên lạc.")
            )
        if data.get("party_matter") and Kind.DENUNCIATION not in kinds:
            self.add_error("party_matter", _("Chỉ áp dụng cho nội dung tố cáo."))
        if data.get("waived_protection") and Kind.DENUNCIATION not in kinds:
            self.add_error("waived_protection", _("Chỉ áp dụng cho nội dung tố cáo."))
        return data

    def channel_detail(self) -> dict[str, Any]:
        data = self.cleaned_data
        for channels, names, _r in CHANNEL_DETAILS:
            if data["channel"] in channels:
                detail: dict[str, Any] = {}
                for name in names:
                    value = data.get(name)
                    if isinstance(value, (dt.date, dt.time)):
                        value = (
                            value.isoformat(timespec="minutes")
                            if isinstance(value, dt.time)
                            else value.isoformat()
                        )
                    if value:
                        detail[name] = value
                return detail
        return {}

    def received_at(self) -> dt.datetime | None:
        """Today's entries are stamped now; a past date (a letter opened late) at noon that day."""
        day = self.cleaned_data["received_date"]
        if day == timezone.localdate():
            return None
        return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))

    def submission(self) -> Submission:
        data = self.cleaned_data
        parts = [Part(kind=data["kind"], body=data["body"])]
        for n in range(2, MAX_PARTS + 1):
            if data.get(f"part{n}_kind"):
                parts.append(Part(kind=data[f"part{n}_kind"], body=data[f"part{n}_body"]))
        identity: dict[str, Any] = {}
        if not data.get("anonymous"):
            identity = {
                k: data.get(k) or "" for k in ("name", "address", "phone", "email", "id_number")
            }
            reps = [
                line.strip()
                for line in (data.get("representatives") or "").splitlines()
                if line.strip()
            ]
            if reps:
                identity["representatives"] = reps
        uploads = []
        for f in data["attachments"]:
            f.seek(0)
            uploads.append(f.read())
        return Submission(
            parts=parts,
            channel=data["channel"],
            receiving_org=data["receiving_org"],
            title=data.get("title") or "",
            topic=data.get("topic"),
            admin_unit=data.get("admin_unit"),
            location_text=data.get("location_text") or "",
            concerned_org=data.get("concerned_org"),
            concerned_person=data.get("concerned_person"),
            indicator_ids=[i.pk for i in data.get("indicators") or []],
            anonymous=bool(data.get("anonymous")),
            identity=identity,
            wants_notifications=bool(data.get("wants_notifications")),
            waived_protection=bool(data.get("waived_protection")),
            group_size=data.get("group_size") or 1,
            uploads=uploads,
            channel_detail=self.channel_detail(),
            party_matter=bool(data.get("party_matter")),
            received_at=self.received_at(),
        )


# -- configuration -------------------------------------------------------------------------------


class RoutingRuleForm(forms.ModelForm):
    target = OrgChoiceField(label=_("Đơn vị xử lý"), queryset=Organisation.objects.none())

    class Meta:
        model = RoutingRule
        fields = ["name", "topic", "admin_unit", "kind", "target", "priority", "active"]
        labels = {
            "topic": _("Lĩnh vực"),
            "admin_unit": _("Địa bàn"),
            "kind": _("Loại ý kiến"),
            "active": _("Đang áp dụng"),
        }
        help_texts = {
            "topic": _("Để trống: mọi lĩnh vực."),
            "admin_unit": _("Để trống: mọi địa bàn."),
            "kind": _("Để trống: mọi loại."),
            "priority": _(
                "Quy tắc cụ thể hơn thắng trước; cùng mức cụ thể thì ưu tiên cao hơn thắng."
            ),
        }

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        fields: Any = self.fields  # django-stubs types fields as the Field base class
        # Only the places and targets the actor may use (review H2); the service re-checks.
        fields["target"].queryset = rule_targets_for(actor)
        fields["topic"].queryset = Topic.objects.filter(active=True)
        fields["admin_unit"].queryset = rule_admin_units_for(actor)
        fields["kind"].choices = [("", _("Mọi loại")), *Kind.choices]
        fields["topic"].empty_label = _("Mọi lĩnh vực")
        if can_set_deployment_wide_rules(actor):
            fields["admin_unit"].empty_label = _("Mọi địa bàn")
        else:  # "every place" is a deployment-wide rule: leaders of every root only
            fields["admin_unit"].required = True
            fields["admin_unit"].empty_label = None
            fields["admin_unit"].help_text = _("Địa bàn của đơn vị bạn lãnh đạo hoặc quản trị.")

    def clean(self) -> dict[str, Any]:
        # The same check as the service, so a refusal keeps the user's input as a form error.
        data = super().clean() or {}
        target = data.get("target")
        if target is not None and "admin_unit" not in self.errors:
            refusal = routing_rule_refusal(
                self.actor, target=target, admin_unit=data.get("admin_unit")
            )
            if refusal is not None:
                self.add_error(None, refusal)
        return data

    def rule_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
