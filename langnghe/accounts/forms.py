from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from langnghe.core.text import is_digits


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Mã xác thực"),
        max_length=20,
        error_messages={"required": _("Vui lòng nhập mã xác thực.")},
        help_text=_("6 chữ số trong ứng dụng xác thực, hoặc một mã dự phòng (dạng ABCDE-FGHJK)."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )

    def clean_code(self) -> str:
        code = "".join(ch for ch in self.cleaned_data["code"] if ch.isalnum())
        if not code:
            raise forms.ValidationError(_("Vui lòng nhập mã xác thực."))
        return code


class EnrolForm(forms.Form):
    code = forms.CharField(
        label=_("Mã 6 chữ số từ ứng dụng"),
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        code = "".join(ch for ch in self.cleaned_data["code"] if not ch.isspace())
        if not (is_digits(code) and len(code) == 6):
            raise forms.ValidationError(_("Mã gồm đúng 6 chữ số."))
        return code
