"""Forms of the review pages. They validate shapes; the rules with legal weight (KD-2 … KD-10) are
checked by the services, whose errors come back next to the fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from langnghe.backoffice.forms import DMYDateField, OrgChoiceField
from langnghe.orgs.access import paths_with_roles, subtree_q
from langnghe.orgs.models import Organisation, Person, Position, Role, active_q

from .models import Cadence, Grade, ReviewCycle


def _led_q(actor: Any, field: str) -> Q:
    return subtree_q(paths_with_roles(actor, {Role.LEADER}), field)


class CycleForm(forms.Form):
    organiser = OrgChoiceField(label=_("Cấp ủy tổ chức"), queryset=Organisation.objects.none())
    cadence = forms.ChoiceField(label=_("Loại kỳ (KD-2)"), choices=Cadence.choices)
    title = forms.CharField(label=_("Tên đợt kiểm điểm"), max_length=200)
    period_start = DMYDateField(label=_("Từ ngày"))
    period_end = DMYDateField(label=_("Đến ngày"))

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            _led_q(actor, "path"), kind=Organisation.Kind.PARTY_COMMITTEE
        ).filter(active_q())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        a, b = data.get("period_start"), data.get("period_end")
        if a and b and b < a:
            self.add_error("period_end", _("Ngày kết thúc phải sau ngày bắt đầu."))
        return data


class PlanAddForm(forms.Form):
    org = OrgChoiceField(label=_("Tập thể"), queryset=Organisation.objects.none(), required=False)
    person = forms.ModelChoiceField(
        label=_("hoặc cá nhân"), queryset=Person.objects.none(), required=False
    )
    scheduled_on = DMYDateField(label=_("Ngày kiểm điểm dự kiến"), required=False)

    def __init__(self, *args: Any, actor: Any, cycle: ReviewCycle, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope = Q(path__startswith=cycle.organiser.path) | _led_q(actor, "path")
        orgs = Organisation.objects.filter(scope).filter(active_q())
        self.fields["org"].queryset = orgs  # type: ignore[attr-defined]
        in_orgs = Position.objects.filter(active_q(), organisation__in=orgs).values("person_id")
        self.fields["person"].queryset = Person.objects.filter(  # type: ignore[attr-defined]
            Q(pk__in=in_orgs) | Q(party_cell__in=orgs)
        ).distinct()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("org")) == bool(data.get("person")):
            raise forms.ValidationError(_("Chọn một tập thể hoặc một cá nhân (không chọn cả hai)."))
        return data


class ScheduleForm(forms.Form):
    scheduled_on = DMYDateField(label=_("Ngày kiểm điểm dự kiến"), required=False)


class SelfAssessForm(forms.Form):
    general = forms.CharField(
        label=_("Tiêu chí chung (tối đa 30 điểm)"),
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    results = forms.CharField(
        label=_("Kết quả thực hiện nhiệm vụ (tối đa 70 điểm)"),
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    tasks_total = forms.IntegerField(label=_("Số nhiệm vụ được giao"), min_value=0)
    tasks_done = forms.IntegerField(label=_("Đã hoàn thành"), min_value=0)
    tasks_on_time = forms.IntegerField(label=_("Hoàn thành đúng hạn"), min_value=0)
    tasks_exceeded = forms.IntegerField(label=_("Vượt mức"), min_value=0)
    quality_ok = forms.BooleanField(label=_("Các nhiệm vụ bảo đảm chất lượng"), required=False)
    disciplined = forms.BooleanField(
        label=_("Có thành viên hoặc tổ chức trực thuộc bị kỷ luật trong kỳ (tập thể)"),
        required=False,
    )
    comment = forms.CharField(
        label=_("Tự nhận xét (ưu điểm, hạn chế, nguyên nhân)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


def grade_choices() -> list[tuple[str, str]]:
    return [("", "—")] + [(v, str(label)) for v, label in Grade.choices]


class AppraiseForm(forms.Form):
    grade = forms.ChoiceField(label=_("Mức đề xuất"), choices=grade_choices)
    note = forms.CharField(
        label=_("Ý kiến thẩm định"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class DecideForm(forms.Form):
    grade = forms.ChoiceField(label=_("Mức xếp loại quyết định"), choices=grade_choices)
    reason = forms.CharField(
        label=_("Lý do"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class RegradeForm(forms.Form):
    grade = forms.ChoiceField(label=_("Xếp loại lại"), choices=grade_choices)
    reason = forms.CharField(
        label=_("Lý do xếp loại lại"), widget=forms.Textarea(attrs={"rows": 3})
    )


class CommitmentForm(forms.Form):
    content = forms.CharField(
        label=_("Nội dung khắc phục"), widget=forms.Textarea(attrs={"rows": 3})
    )
    responsible = forms.CharField(label=_("Người, đơn vị chịu trách nhiệm"), max_length=200)
    deadline = DMYDateField(label=_("Thời hạn"))


class CommitmentUpdateForm(forms.Form):
    progress = forms.CharField(
        label=_("Tiến độ"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    done_on = DMYDateField(label=_("Ngày hoàn thành"), required=False)


class SuggestionForm(forms.Form):
    person = forms.IntegerField(required=False, widget=forms.HiddenInput)
    org = forms.IntegerField(required=False, widget=forms.HiddenInput)
    cycle = forms.ModelChoiceField(label=_("Đợt kiểm điểm"), queryset=ReviewCycle.objects.none())
    number = forms.CharField(label=_("Số văn bản"), max_length=40, required=False)
    evidence_from = DMYDateField(label=_("Dư luận từ ngày"))
    evidence_to = DMYDateField(label=_("đến ngày"))
    content = forms.CharField(
        label=_("Nội dung gợi ý kiểm điểm (những vấn đề cần làm rõ)"),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    items = forms.MultipleChoiceField(
        label=_("Ý kiến liên quan (chỉ mã, loại, ngày)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    inspections = forms.MultipleChoiceField(
        label=_("Kết luận kiểm tra, giám sát"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(
        self,
        *args: Any,
        cycles: Any,
        item_choices: list[tuple[str, str]],
        inspection_choices: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cycle"].queryset = cycles  # type: ignore[attr-defined]
        self.fields["items"].choices = item_choices  # type: ignore[attr-defined]
        self.fields["inspections"].choices = inspection_choices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        a, b = data.get("evidence_from"), data.get("evidence_to")
        if a and b and b < a:
            self.add_error("evidence_to", _("Ngày kết thúc phải sau ngày bắt đầu."))
        return data


class SendForm(forms.Form):
    sent_on = DMYDateField(label=_("Ngày gửi"))
