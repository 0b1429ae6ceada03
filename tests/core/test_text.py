"""langnghe.core.text: the checks every service applies to what people type."""

from __future__ import annotations

import pytest
from django.utils import translation

from langnghe.core.errors import ApplicationError
from langnghe.core.text import clean_text, has_text, is_digits, xml_text


class BoxLikeError(ApplicationError):
    INVALID = "test.invalid"
    REQUIRED = "test.required"
    TOO_LONG = "test.too_long"


def _clean(value: object, *, required: bool = True, limit: int = 10) -> str:
    return clean_text(
        value,
        label="lý do",
        limit=limit,
        required=required,
        error=BoxLikeError,
    )


def test_digits_are_ascii_digits_only():
    assert is_digits("2025") and not is_digits("²") and not is_digits("١٢") and not is_digits("")


def test_text_is_something_readable():
    assert has_text(" a ") and not has_text(" \u200b\u200e\t") and not has_text("")


def test_kept_text_loses_nul_characters_and_surrounding_spaces():
    assert _clean("  Đường\x00 hỏng \n") == "Đường hỏng"
    assert _clean(None, required=False) == "" and _clean("", required=False) == ""


@pytest.mark.parametrize("typed", ["", "   ", "\u200b\u200b", "\x00", "\u2066\u2069 \u200e"])
def test_a_required_text_of_nothing_readable_is_refused_with_the_apps_code(typed):
    with translation.override("vi"), pytest.raises(BoxLikeError) as refused:
        _clean(typed)
    assert refused.value.code == BoxLikeError.REQUIRED
    assert str(refused.value.message) == "Vui lòng nhập lý do."


def test_a_text_over_the_limit_is_refused_with_the_limit_named():
    assert _clean("x" * 10) == "x" * 10
    with translation.override("vi"), pytest.raises(BoxLikeError) as refused:
        _clean("x" * 11)
    assert refused.value.code == BoxLikeError.TOO_LONG
    assert str(refused.value.message) == "lý do quá dài: tối đa 10 ký tự."
    with translation.override("en"), pytest.raises(BoxLikeError) as refused:
        _clean("x" * 11)
    assert "10" in str(refused.value.message) and "quá dài" not in str(refused.value.message)


class PlainError(ApplicationError):
    INVALID = "plain.invalid"


def test_an_app_without_its_own_codes_gets_its_invalid_code():
    for typed, limit in (("  ", 10), ("x" * 11, 10)):
        with pytest.raises(PlainError) as refused:
            clean_text(typed, label="tên", limit=limit, required=True, error=PlainError)
        assert refused.value.code == "plain.invalid"


def test_xml_text_drops_only_what_xml_cannot_hold():
    assert xml_text("Đường\x0bthôn\x00 3\x1f\ufffe\ud800") == "Đườngthôn 3"
    assert xml_text("dòng 1\n\tdòng 2\r") == "dòng 1\n\tdòng 2\r"  # tab and newlines are XML
    assert xml_text(12) == "12"
