"""Report forms: they validate input and turn it into service arguments, nothing more."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from langnghe.backoffice.forms import OrgChoiceField
from langnghe.orgs.models import Organisation

from .models import PeriodKind, Report, Side
from .services import EDITABLE, ReportDraft

MONTHS = [(m, f"{m:02d}") for m in range(1, 13)]


class ReportCreateForm(forms.Form):
    organisation = OrgChoiceField(label=_("Cơ quan ban hành"), queryset=Organisation.objects.none())
    period_kind = forms.ChoiceField(label=_("Loại báo cáo (Q11-8)"), choices=PeriodKind.choices)
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
    month = forms.TypedChoiceField(
        label=_("Tháng (báo cáo tháng) / từ tháng (đột xuất)"),
        choices=MONTHS,
        coerce=int,
        required=False,
        empty_value=None,
    )
    end_month = forms.TypedChoiceField(
        label=_("Đến tháng (báo cáo đột xuất)"),
        choices=[("", "—"), *MONTHS],
        coerce=int,
        required=False,
        empty_value=None,
    )
    side = forms.ChoiceField(
        label=_("Thể thức"),
        choices=[("", _("Theo loại cơ quan")), *Side.choices],
        required=False,
    )

    def __init__(self, *args: Any, orgs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["organisation"].queryset = orgs
        today = timezone.localdate()
        self.initial.setdefault("year", today.year)
        self.initial.setdefault("month", today.month)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("period_kind") == PeriodKind.ADHOC:
            end = data.get("end_month")
            if end is not None and end < (data.get("month") or 1):
                self.add_error("end_month", _("Tháng kết thúc phải sau tháng bắt đầu."))
        return data

    def draft(self) -> ReportDraft:
        d = self.cleaned_data
        return ReportDraft(
            organisation=d["organisation"],
            period_kind=d["period_kind"],
            year=d["year"],
            month=d.get("month") or 1,
            end_month=d.get("end_month"),
            side=d.get("side") or "",
        )


class ReportEditForm(forms.ModelForm):
    class Meta:
        model = Report
        fields = list(EDITABLE)
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 6}),
            "assessment": forms.Textarea(attrs={"rows": 6}),
            "tasks": forms.Textarea(attrs={"rows": 6}),
            "recipients": forms.Textarea(attrs={"rows": 5}),
            "title": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "symbol": _("Ví dụ: BC/ĐU (văn bản Đảng: “Số 01-BC/ĐU”), BC-UBND (“Số: 01/BC-UBND”)."),
            "recipients": _("Mỗi dòng một nơi nhận."),
            "place": _("Địa danh ghi trước ngày tháng, ví dụ “Sa Thầy”."),
        }

    def clean_title(self) -> str:
        return " ".join(self.cleaned_data["title"].split())
