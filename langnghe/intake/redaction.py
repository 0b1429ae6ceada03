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


class Exact(str):
    """A value matched with its diacritics (case aside): a given name without the family name
    ("Thị Hạnh") folded would also hit ordinary words ("thi hành")."""


def _fold_char(ch: str, *, keep_marks: bool = False) -> str:
    if keep_marks:
        return ch.lower()[:1] or ch
    if ch in "đĐ":
        return "d"
    base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
    return (base or ch).lower()[:1] or ch


def _folded_with_map(text: str, *, keep_marks: bool = False) -> tuple[str, list[int]]:
    """The folded text and, for each folded character, the index of its source character."""
    text = unicodedata.normalize("NFC", text)
    folded, positions = [], []
    for index, ch in enumerate(text):
        if unicodedata.combining(ch):
            continue  # a stray combining mark folds into the previous letter
        folded.append(_fold_char(ch, keep_marks=keep_marks))
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
                # A Vietnamese name is often written without the family name; such a part is
                # matched with its diacritics only.
                values += [Exact(" ".join(words[1:])), Exact(" ".join(words[-2:]))]
    unique: dict[str, str] = {}
    for value in values:  # the full name wins over an equal part (it is matched more loosely)
        if value not in unique or not isinstance(value, Exact):
            unique[value] = value
    return sorted(unique.values(), key=len, reverse=True)


def redact(text: str, values: Iterable[str]) -> str:
    """Replace every whole-word occurrence of any value in text, ignoring case and diacritics."""
    if not text:
        return text
    text = unicodedata.normalize("NFC", text)
    for value in values:
        exact = isinstance(value, Exact)
        needle, _ = _folded_with_map(value, keep_marks=exact)
        needle = " ".join(needle.split())
        if len(needle) < MIN_LENGTH:
            continue
        haystack, positions = _folded_with_map(text, keep_marks=exact)
        pattern = re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, needle.split())) + r"(?!\w)")
        spans = [
            (positions[m.start()], positions[m.end() - 1] + 1) for m in pattern.finditer(haystack)
        ]
        for start, end in reversed(spans):
            text = text[:start] + MASK + text[end:]
    return text


def still_contains(text: str, values: Iterable[str]) -> bool:
    return redact(text, values) != unicodedata.normalize("NFC", text or "")
