"""Small checks on what people type or what arrives in a URL."""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext as _

from .errors import ApplicationError


def is_digits(value: str) -> bool:
    """ASCII digits only. ``str.isdigit()`` is also true of "²" and "١٢", which ``int()`` refuses
    (a 500) or reads as another number; every id, year, page or code typed or sent in a URL is
    tested with this instead."""
    return value.isascii() and value.isdigit()


# Characters XML 1.0 cannot hold: control characters but tab and newlines, lone surrogates,
# U+FFFE and U+FFFF. People paste them (a vertical tab from a word processor, a form feed), and
# one of them makes an XML answer unreadable, python-docx refuse a paragraph and openpyxl a cell.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: object) -> str:
    """`value` as text an XML document can hold (GeoReport's XML, DOCX, XLSX): the characters
    XML 1.0 forbids are dropped. Everything else, Vietnamese included, is kept as it is."""
    return _NOT_XML.sub("", str(value))


def has_text(value: str) -> bool:
    """Whether anything readable was typed: not only spaces and invisible format characters
    (Unicode category Cf: direction marks, zero-width spaces), which would satisfy a required
    reason while saying nothing."""
    return any(not ch.isspace() and unicodedata.category(ch) != "Cf" for ch in value)


def is_deliverable_email(value: str) -> bool:
    """Whether mail can be sent to this address: Django's e-mail check, and the address encodes
    as the mail library will (an address the validator accepts can still fail there: a domain
    label of a zero-width joiner, or one past 63 characters once in IDNA, raise at sending)."""
    from django.core.exceptions import ValidationError
    from django.core.mail.message import sanitize_address
    from django.core.validators import validate_email

    try:
        validate_email(value)
        sanitize_address(value, "utf-8")
    except (ValidationError, ValueError, UnicodeError, IndexError):
        return False
    return True


def clean_text(
    value: object, *, label: object, limit: int, required: bool, error: type[ApplicationError]
) -> str:
    """What a service keeps of a text typed into a form: NUL characters dropped (PostgreSQL
    cannot store them), the spaces around trimmed. Refused with the app's own error class when it
    is required and nothing readable was typed (``has_text``; code ``error.REQUIRED`` if the
    class has one, else its INVALID), or when it is longer than `limit` (``error.TOO_LONG``, else
    INVALID); `label` names the field in the message."""
    text = str(value or "").replace("\x00", "").strip()
    if required and not has_text(text):
        raise error(
            getattr(error, "REQUIRED", error.INVALID),
            _("Vui lòng nhập %(field)s.") % {"field": label},
        )
    if len(text) > limit:
        raise error(
            getattr(error, "TOO_LONG", error.INVALID),
            _("%(field)s quá dài: tối đa %(n)d ký tự.") % {"field": label, "n": limit},
        )
    return text
