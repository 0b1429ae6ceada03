"""Forms of the discipline back office. Choices are built per actor; the services re-check
everything (KT-8 above all), so a tampered POST gets the same clear refusal."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from langnghe.core.forms import PlausibleDateField
from langnghe.core.text import is_digits
from langnghe.orgs.models import Organisation, Person

from . import policy, selectors, services
from .errors import DisciplineError
from .models import DecisionStatus, DisciplineForm, SubjectType

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


def _date(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DateField:
    return PlausibleDateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=help_text,
        error_messages={"invalid": _("Ngày không hợp lệ (dd/mm/yyyy).")},
    )


def parse_subject(value: str | None) -> tuple[Organisation | None, Person | None]:
    """ "o<pk>" → a party organisation, "p<pk>" → a person; anything else → (None, None)."""
    value = (value or "").strip()
    if len(value) < 2 or value[0] not in "op" or not is_digits(value[1:]):
        return None, None
    pk = int(value[1:])
    if value[0] == "o":
        return Organisation.objects.filter(pk=pk).first(), None
    return None, Person.objects.filter(pk=pk).first()


class FormChoiceField(forms.ChoiceField):
    """The discipline form: a value outside the forms allowed for the chosen subject is refused
    with the KT-8 message naming the allowed forms (not Django's generic "invalid choice")."""

    subject_type = ""

    def validate(self, value: Any) -> None:
        forms.Field.validate(self, value)
        if value and not self.valid_value(value):
            if self.subject_type:
                message = services.form_refusal_message(str(value), self.subject_type)
            else:
                message = str(_("Hình thức kỷ luật không hợp lệ."))
            raise forms.ValidationError(message, code="invalid_choice")


class DecisionForm(forms.Form):
    deciding_body = forms.ModelChoiceField(
        label=_("Cơ quan quyết định"), queryset=Organisation.objects.none()
    )
    subject = forms.ChoiceField(label=_("Đối tượng bị kỷ luật"))
    form = FormChoiceField(
        label=_("Hình thức kỷ luật"),
        help_text=_("Chỉ liệt kê các hình thức được áp dụng cho đối tượng đã chọn (KT-8)."),
    )
    grounds = forms.CharField(
        label=_("Căn cứ, nội dung vi phạm"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=services.MAX_GROUNDS,
    )
    inspection = forms.ModelChoiceField(
        label=_("Cuộc kiểm tra là căn cứ"), queryset=Organisation.objects.none(), required=False
    )
    source_items = forms.ModelMultipleChoiceField(
        label=_("Ý kiến của người dân là căn cứ"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    place = forms.CharField(label=_("Địa danh"), max_length=80, required=False)
    signer_name = forms.CharField(label=_("Người ký"), max_length=120, required=False)
    signer_title = forms.CharField(
        label=_("Chức vụ người ký"),
        max_length=120,
        required=False,
        help_text=_("Ví dụ: T/M ĐẢNG ỦY — BÍ THƯ"),
    )
    recipients = forms.CharField(
        label=_("Nơi nhận"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )

    def __init__(self, *args: Any, actor: Any, subject_value: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        f = self.fields
        f["deciding_body"].queryset = selectors.deciding_bodies_for(actor)  # type: ignore[attr-defined]
        orgs = [(f"o{o.pk}", o.name) for o in selectors.subject_orgs_for(actor)]
        people = [
            (
                f"p{p.pk}",
                f"{p.full_name} — {p.get_party_status_display() or _('chưa ghi đảng tịch')}",
            )
            for p in selectors.subject_people_for(actor)
        ]
        f["subject"].choices = [  # type: ignore[attr-defined]
            ("", _("— Chọn —")),
            (str(_("Tổ chức đảng")), orgs),
            (str(_("Đảng viên")), people),
        ]
        f["inspection"].queryset = selectors.inspections_for(actor)  # type: ignore[attr-defined]
        subject_org, subject_person = parse_subject(subject_value)
        self.subject_type = ""
        self.subject_type_label = ""
        try:
            if subject_org or subject_person:
                self.subject_type = services.subject_type_of(
                    subject_org=subject_org, subject_person=subject_person
                )
        except DisciplineError:
            self.subject_type = ""
        if self.subject_type:
            self.subject_type_label = str(SubjectType(self.subject_type).label)
        # KT-8: the choices narrow to the forms allowed for the chosen subject (server-side).
        allowed = (
            services.forms_for(self.subject_type)
            if self.subject_type
            else list(DisciplineForm.choices)
        )
        f["form"].choices = allowed  # type: ignore[attr-defined]
        f["form"].subject_type = self.subject_type  # type: ignore[attr-defined]
        f["source_items"].queryset = selectors.items_for(actor, subject_person)  # type: ignore[attr-defined]
        f["source_items"].label_from_instance = lambda i: f"{i.code} — {i.get_kind_display()}"  # type: ignore[attr-defined]
        self.subject_person = subject_person


class DecideForm(forms.Form):
    number = forms.CharField(label=_("Số quyết định"), max_length=40)
    decided_on = _date(_("Ngày quyết định"))
    effective_on = _date(
        _("Ngày có hiệu lực"), required=False, help_text=_("Để trống: hiệu lực từ ngày ký.")
    )


class NotifyForm(forms.Form):
    notified_on = _date(_("Ngày thông báo"))


class PublishForm(forms.Form):
    category = forms.ChoiceField(label=_("Mục công khai"))
    published_on = _date(_("Ngày công khai"), required=False, help_text=_("Để trống: hôm nay."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from langnghe.disclosure import policy as disclosure_policy

        codes = [
            str(policy.book().setting("publication_category_commune")),
            str(policy.book().setting("publication_category_corruption")),
        ]
        choices = [(code, disclosure_policy.category_label(code)) for code in codes]
        self.fields["category"].choices = choices  # type: ignore[attr-defined]


class AppealForm(forms.Form):
    note = forms.CharField(label=_("Ghi chú khiếu nại"), max_length=255)


class DecisionFilterForm(forms.Form):
    form = forms.ChoiceField(
        label=_("Hình thức"), required=False, choices=[("", _("Tất cả"))] + DisciplineForm.choices
    )
    subject_type = forms.ChoiceField(
        label=_("Đối tượng"), required=False, choices=[("", _("Tất cả"))] + SubjectType.choices
    )
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[("", _("Tất cả"))] + DecisionStatus.choices,
    )


class NoticeForm(forms.Form):
    issuing_org = forms.ModelChoiceField(
        label=_("Cơ quan, tổ chức quyết định"), queryset=Organisation.objects.none()
    )
    person = forms.ModelChoiceField(label=_("Cán bộ bị xử lý"), queryset=Person.objects.none())
    measure = forms.ChoiceField(label=_("Hình thức xử lý"))
    decision_number = forms.CharField(label=_("Số quyết định"), max_length=40, required=False)
    decided_on = _date(_("Ngày quyết định"))
    summary = forms.CharField(
        label=_("Nội dung, lý do"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        required=False,
    )
    notice_number = forms.CharField(label=_("Số thông báo"), max_length=40, required=False)
    signer_name = forms.CharField(label=_("Người ký"), max_length=120, required=False)
    signer_title = forms.CharField(label=_("Chức vụ người ký"), max_length=120, required=False)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["issuing_org"].queryset = selectors.issuing_orgs_for(actor)  # type: ignore[attr-defined]
        self.fields["person"].queryset = selectors.notice_people_for(actor)  # type: ignore[attr-defined]
        self.fields["measure"].choices = [  # type: ignore[attr-defined]
            (m["code"], f"{policy.measure_label(m)} ({m['cite']})") for m in policy.state_measures()
        ]


class SentForm(forms.Form):
    sent_on = _date(_("Ngày gửi"))


class NoticeFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Tình trạng"),
        required=False,
        choices=[
            ("", _("Tất cả")),
            ("unsent", _("Chưa gửi")),
            ("overdue", _("Quá hạn chưa gửi")),
            ("sent", _("Đã gửi")),
        ],
    )
