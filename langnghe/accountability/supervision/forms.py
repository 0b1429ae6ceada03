"""Input forms of the Front supervision back office: validation only; services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from langnghe.core.forms import PlausibleDateField
from langnghe.intake.models import Item
from langnghe.orgs.models import Organisation

from .models import Addressee, Ground, Recommendation, Supervision, SupervisionForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_MSG = {"invalid": _("Ngày không hợp lệ (dd/mm/yyyy)."), "required": _("Vui lòng nhập ngày.")}


def _date(label: Any, required: bool = True) -> forms.DateField:
    return PlausibleDateField(
        label=label,
        required=required,
        widget=DATE,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages=DATE_MSG,
    )


class PlanForm(forms.Form):
    front = forms.ModelChoiceField(label=_("Ủy ban MTTQ"), queryset=Organisation.objects.none())
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Tên kế hoạch"), max_length=200)
    adopted_on = _date(_("Ngày ban hành"))
    note = forms.CharField(
        label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, fronts: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["front"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            pk__in=[f.pk for f in fronts]
        )


class SupervisionCreateForm(forms.Form):
    supervised_org = forms.ModelChoiceField(
        label=_("Cơ quan, tổ chức được giám sát"), queryset=Organisation.objects.none()
    )
    topic = forms.CharField(label=_("Chủ đề"), max_length=255)
    content = forms.CharField(
        label=_("Nội dung giám sát"), widget=forms.Textarea(attrs={"rows": 4})
    )
    form = forms.ChoiceField(
        label=_("Hình thức (MT-2)"), choices=SupervisionForm.choices, widget=forms.RadioSelect
    )
    grounds = forms.MultipleChoiceField(
        label=_("Căn cứ (MT-4)"),
        choices=Ground.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Vui lòng chọn ít nhất một căn cứ giám sát (MT-4).")},
    )
    items = forms.ModelMultipleChoiceField(
        label=_("Kiến nghị của Nhân dân do Mặt trận tiếp nhận"),
        queryset=Item.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    press_references = forms.CharField(
        label=_("Thông tin trên báo chí (tên báo, số, ngày)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    first_session_on = _date(_("Ngày làm việc đầu tiên (dự kiến)"))

    def __init__(self, *args: Any, orgs: Any, items: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supervised_org"].queryset = orgs  # type: ignore[attr-defined]
        self.fields["items"].queryset = items  # type: ignore[attr-defined]
        self.fields["items"].label_from_instance = lambda i: (  # type: ignore[attr-defined]
            f"{i.code} · {i.get_kind_display()} · {i.received_at:%d/%m/%Y}"
        )


class DecisionForm(forms.Form):
    decision_number = forms.CharField(label=_("Số quyết định"), max_length=60)
    decision_date = _date(_("Ngày ký quyết định"))
    sent_on = _date(_("Ngày gửi cho đối tượng giám sát"))


class DateForm(forms.Form):
    day = _date(_("Ngày"))
    note = forms.CharField(
        label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ResultForm(forms.Form):
    report_on = _date(_("Ngày báo cáo kết quả"))
    summary = forms.CharField(
        label=_("Kết quả giám sát (sẽ công khai, không ghi tên người dân)"),
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class RecommendationForm(forms.Form):
    number = forms.CharField(
        label=_("Số văn bản kiến nghị"),
        max_length=60,
        required=False,
        help_text=_("Để trống: hệ thống đánh số tiếp theo trong năm (ví dụ 01/KN-MTTQ)."),
    )
    content = forms.CharField(
        label=_("Nội dung kiến nghị"), widget=forms.Textarea(attrs={"rows": 4})
    )
    addressees = forms.MultipleChoiceField(
        label=_("Nơi nhận (MT-5)"),
        choices=Addressee.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=list(Addressee.values),
        error_messages={"required": _("Vui lòng chọn nơi nhận kiến nghị.")},
    )
    competent_body = forms.ModelChoiceField(
        label=_("Cơ quan có thẩm quyền"), queryset=Organisation.objects.none(), required=False
    )
    sent_on = _date(_("Ngày gửi"))
    response_due_on = _date(_("Hạn trả lời (không bắt buộc)"), required=False)

    def __init__(self, *args: Any, supervision: Supervision, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["competent_body"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            kind__in=[
                Organisation.Kind.PEOPLES_COMMITTEE,
                Organisation.Kind.PEOPLES_COUNCIL,
                Organisation.Kind.PARTY_COMMITTEE,
                Organisation.Kind.AGENCY,
            ],
            valid_to__isnull=True,
        ).order_by("path")


class AnswerForm(forms.Form):
    response = forms.CharField(
        label=_("Nội dung trả lời"), widget=forms.Textarea(attrs={"rows": 5})
    )
    outcome = forms.ChoiceField(
        label=_("Kết quả tiếp thu"),
        choices=Recommendation.Outcome.choices,
        widget=forms.RadioSelect,
    )
    responded_on = _date(_("Ngày trả lời"))


class FollowUpForm(forms.Form):
    note = forms.CharField(
        label=_("Nội dung theo dõi, đôn đốc"), widget=forms.Textarea(attrs={"rows": 3})
    )
    close = forms.BooleanField(label=_("Kết thúc theo dõi kiến nghị này"), required=False)


class HearingForm(forms.Form):
    front = forms.ModelChoiceField(label=_("Ủy ban MTTQ"), queryset=Organisation.objects.none())
    body = forms.ModelChoiceField(
        label=_("Hội đồng nhân dân / Ủy ban nhân dân"), queryset=Organisation.objects.none()
    )
    held_on = _date(_("Ngày họp"))
    title = forms.CharField(label=_("Kỳ họp, phiên họp"), max_length=200)
    supervisions = forms.ModelMultipleChoiceField(
        label=_("Cuộc giám sát được báo cáo"),
        queryset=Supervision.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self, *args: Any, fronts: list[Organisation], supervisions: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["front"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            pk__in=[f.pk for f in fronts]
        )
        units = {f.admin_unit_id for f in fronts if f.admin_unit_id}
        self.fields["body"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            kind__in=[Organisation.Kind.PEOPLES_COUNCIL, Organisation.Kind.PEOPLES_COMMITTEE],
            admin_unit_id__in=units,
        )
        self.fields["supervisions"].queryset = supervisions  # type: ignore[attr-defined]


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do đề nghị xem xét lại"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Vui lòng nhập lý do.")},
    )
    supervision = forms.ModelChoiceField(
        label=_("Gắn với cuộc giám sát"), queryset=Supervision.objects.none(), required=False
    )
    recommendation = forms.ModelChoiceField(
        label=_("Gắn với kiến nghị"), queryset=Recommendation.objects.none(), required=False
    )

    def __init__(self, *args: Any, supervisions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supervision"].queryset = supervisions  # type: ignore[attr-defined]
        self.fields["recommendation"].queryset = Recommendation.objects.filter(  # type: ignore[attr-defined]
            supervision__in=supervisions
        )
