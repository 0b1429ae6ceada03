"""Form fields shared by every app."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, validate_email
from django.utils.translation import gettext_lazy as _

from .text import is_deliverable_email

# What a date typed into a form may be: years 0001 or 9999 are typing slips (and the second
# overflows date arithmetic), not records. Not a legal limit: a sanity range for input.
EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2099, 12, 31)


class PlausibleDateField(forms.DateField):
    """A DateField that refuses dates outside 1900–2099 with a clear message."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        message = _("Ngày phải trong khoảng từ 01/01/1900 đến 31/12/2099.")
        self.validators += [
            MinValueValidator(EARLIEST, message=message),
            MaxValueValidator(LATEST, message=message),
        ]


def validate_deliverable_email(value: str) -> None:
    """For e-mail fields whose address will be written to (a citizen's contact): refuses what
    Django's EmailValidator lets through but mail cannot be sent to (core.text)."""
    if not value:
        return
    try:
        validate_email(value)
    except ValidationError:
        return  # the field's own e-mail check says so, with its own message
    if not is_deliverable_email(value):
        raise ValidationError(
            _("Không gửi được thư tới địa chỉ email này; vui lòng kiểm tra lại."),
            code="undeliverable",
        )
