"""The period of the signal pages (from/to dates; default: the last 12 months)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from langnghe.core.forms import PlausibleDateField

from .policy import default_period_months, max_period_days


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    today = today or timezone.localdate()
    months = default_period_months()
    year, month = today.year, today.month - months
    while month <= 0:
        month += 12
        year -= 1
    day = min(today.day, 28)
    return dt.date(year, month, day) + dt.timedelta(days=1), today


class PeriodForm(forms.Form):
    tu = PlausibleDateField(
        label=_("Từ ngày"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Ngày bắt đầu không hợp lệ (dạng YYYY-MM-DD).")},
    )
    den = PlausibleDateField(
        label=_("Đến ngày"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Ngày kết thúc không hợp lệ (dạng YYYY-MM-DD).")},
    )

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        # The links of the other apps use from/to (e.g. the review-suggestion form).
        # The default period (the last 12 months) is filled in, so that the fields show the
        # dates the page uses.
        if data is not None:
            data = data.copy()
            defaults = dict(zip(("tu", "den"), default_period(), strict=True))
            for short, long in (("tu", "from"), ("den", "to")):
                if not data.get(short):
                    data[short] = data.get(long) or defaults[short].isoformat()
        super().__init__(data, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        start, end = default_period()
        start = cleaned.get("tu") or start
        end = cleaned.get("den") or end
        if start > end:
            raise forms.ValidationError(_("Ngày bắt đầu phải trước hoặc bằng ngày kết thúc."))
        if (end - start).days > max_period_days():
            raise forms.ValidationError(
                _("Khoảng thời gian quá dài (tối đa %(n)s ngày).") % {"n": max_period_days()}
            )
        cleaned["start"], cleaned["end"] = start, end
        return cleaned


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Tìm cán bộ hoặc đơn vị"), required=False, max_length=80)
