"""Django's own messages that its Vietnamese catalogue leaves in English are Vietnamese here
(locale/vi): a form field with a NUL, an unknown id in a multiple choice, a bad page number."""

from __future__ import annotations

import pytest
from django import forms
from django.core.paginator import PageNotAnInteger, Paginator
from django.utils import translation

from langnghe.orgs.models import Organisation


class _Form(forms.Form):
    note = forms.CharField()
    units = forms.ModelMultipleChoiceField(queryset=Organisation.objects.all())


@pytest.mark.django_db
def test_form_messages_are_vietnamese_and_english():
    data = {"note": "a\x00b", "units": ["abc"]}
    with translation.override("vi"):
        errors = _Form(data).errors
        assert errors["note"] == [
            "Nội dung có ký tự không hợp lệ (ký tự rỗng). Vui lòng xóa ký tự đó rồi gửi lại."
        ]
        assert errors["units"] == ["“abc” không phải là lựa chọn hợp lệ."]
    with translation.override("en"):
        errors = _Form(data).errors
        assert errors["note"] == ["Null characters are not allowed."]
        assert errors["units"] == ["“abc” is not a valid value."]


def test_paginator_messages_are_vietnamese():
    with translation.override("vi"), pytest.raises(PageNotAnInteger) as raised:
        Paginator([1, 2], 1).validate_number("x")
    assert str(raised.value) == "Số trang phải là một số nguyên"
