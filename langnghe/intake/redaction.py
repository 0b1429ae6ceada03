"""Removing a sender's identifying values from text others will read (TC-16, TC-17).

Matching ignores case and diacritics and accepts precomposed or decomposed input, so that
"TRẦN THỊ BÍCH", "tran thi bich" and "Trần Thị Bích" are all found; matches are whole words.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

MASK = "[…]"
MIN_LENGTH = 3


def _fold_char(ch: str) -> str:
    if ch in "đĐ":
        return "d"
    base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
    return (base or ch).lower()[:1] or ch


def _folded_with_map(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each folded character, the index of its source character."""
    text = unicodedata.normalize("NFC", text)
    folded, positions = [], []
    for index, ch in enumerate(text):
        if unicodedata.combining(ch):
            continue  # a stray combining mark folds into the previous letter
        folded.append(_fold_char(ch))
        positions.append(index)
    return "".join(folded), positions


def identity_values(identity: dict[str, Any]) -> list[str]:
    values: list[str] = []
    for key, value in identity.items():
        for part in value if isinstance(value, list) else [value]:
            part = str(part or "").strip()
            if len(part) < MIN_LENGTH:
                continue
            values.append(part)
            words = part.split()
            if key in ("name", "representatives") and len(words) >= 3:
                # A Vietnamese name is often written without the family name.
                values += [" ".join(words[1:]), " ".join(words[-2:])]
    return sorted(set(values), key=len, reverse=True)


def redact(text: str, values: Iterable[str]) -> str:
    """Replace every whole-word occurrence of any value in text, ignoring case and diacritics."""
    if not text:
        return text
    text = unicodedata.normalize("NFC", text)
    for value in values:
        needle, _ = _folded_with_map(value)
        needle = " ".join(needle.split())
        if len(needle) < MIN_LENGTH:
            continue
        haystack, positions = _folded_with_map(text)
        pattern = re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, needle.split())) + r"(?!\w)")
        spans = [
            (positions[m.start()], positions[m.end() - 1] + 1) for m in pattern.finditer(haystack)
        ]
        for start, end in reversed(spans):
            text = text[:start] + MASK + text[end:]
    return text


def still_contains(text: str, values: Iterable[str]) -> bool:
    return redact(text, values) != unicodedata.normalize("NFC", text or "")
