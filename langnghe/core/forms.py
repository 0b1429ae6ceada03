"""Form fields shared by every app."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

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
