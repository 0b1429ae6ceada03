"""GET forms of the statistics pages: an invalid value falls back, with a message, never a 500."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from langnghe.intake.models import Channel, Kind

from . import selectors


class PeriodField(forms.CharField):
    """A period code ("2026", "2026-q1", "2026-03", "2026-01..2026-05")."""

    default_error_messages = {
        "invalid": _(
            "Kỳ không hợp lệ. Chọn trong danh sách, hoặc nhập dạng 2026, 2026-q1, 2026-h1, "
            "2026-9m, 2026-03 hay 2026-01..2026-05."
        )
    }

    def clean(self, value: Any) -> selectors.Period:
        text = super().clean(value)
        try:
            return selectors.parse_period(text)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class PeriodForm(forms.Form):
    ky = PeriodField(label=_("Kỳ"), required=False, max_length=40)

    def period(self) -> selectors.Period:
        if self.is_valid():
            return self.cleaned_data["ky"]
        return selectors.parse_period("")


class DrillForm(PeriodForm):
    do = forms.ChoiceField(
        label=_("Số liệu"), required=False, choices=[(m, m) for m in selectors.MEASURES]
    )
    kind = forms.ChoiceField(label=_("Loại"), required=False)
    channel = forms.ChoiceField(label=_("Kênh"), required=False)
    topic = forms.RegexField(regex=r"^(\d{1,18}|none)$", required=False)
    admin_unit = forms.RegexField(regex=r"^(\d{1,18}|none)$", required=False)
    unit = forms.RegexField(regex=r"^(\d{1,18}|none)$", required=False)
    thang = forms.RegexField(regex=r"^\d{4}-\d{2}$", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["kind"].choices = [("", ""), *Kind.choices]
        fields["channel"].choices = [("", ""), *Channel.choices]

    def drill_filters(self) -> selectors.DrillFilters:
        """Valid fields only: a bad value drops that filter (the page says so)."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        month = None
        if data.get("thang"):
            try:
                month = dt.date.fromisoformat(data["thang"] + "-01")
            except ValueError:
                month = None
        return selectors.DrillFilters(
            measure=data.get("do") or "received",
            kind=data.get("kind") or "",
            channel=data.get("channel") or "",
            topic=data.get("topic") or "",
            admin_unit=data.get("admin_unit") or "",
            unit=data.get("unit") or "",
            month=month,
        )
