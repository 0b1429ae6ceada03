"""Dates typed into forms stay within 1900–2099 (core.forms.PlausibleDateField, under every
back-office date field): 0001 or 9999 is a typing slip, and 9999-12-31 overflowed date arithmetic
further on."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.utils import translation

from langnghe.backoffice.forms import DMYDateField
from langnghe.core.forms import PlausibleDateField


class _Form(forms.Form):
    iso = PlausibleDateField()
    dmy = DMYDateField()


@pytest.mark.parametrize(
    "iso, dmy",
    [("9999-12-31", "31/12/9999"), ("0001-01-01", "01/01/0001"), ("1899-12-31", "01/01/2100")],
)
def test_dates_outside_the_range_are_refused_in_both_languages(iso, dmy):
    with translation.override("vi"):
        form = _Form(data={"iso": iso, "dmy": dmy})
        assert not form.is_valid()
        assert form.errors["iso"] == ["Ngày phải trong khoảng từ 01/01/1900 đến 31/12/2099."]
        assert form.errors["dmy"] == form.errors["iso"]
    with translation.override("en"):
        assert _Form(data={"iso": iso, "dmy": dmy}).errors["iso"][0].startswith("The date")


def test_dates_inside_the_range_pass():
    form = _Form(data={"iso": "1900-01-01", "dmy": "31/12/2099"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"iso": dt.date(1900, 1, 1), "dmy": dt.date(2099, 12, 31)}
