"""The disclosure rule book (policies/disclosure.yaml): time limits and categories as data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import get_language

from langnghe.core.ruledata import Rule, RuleBook, get_rulebook

# What DC-3 asks of a category's posting at the office.
POSTING_REQUIRED = "required"
POSTING_PERMANENT = "permanent"
POSTING_NONE = "none"


def rulebook() -> RuleBook:
    return get_rulebook("disclosure", str(Path(__file__).parent))


def rule(key: str, on: dt.date | None = None) -> Rule:
    return rulebook().rule(key, on)


@dataclass(frozen=True)
class Category:
    code: str
    source: str  # RULES.md ID: P99-2 or DC-1
    verified: str
    label_vi: str
    label_en: str
    posting: str = POSTING_NONE
    loudspeaker: bool = False
    item: int | None = None  # the clause of THDCCS Đ11 for DC-1 categories

    @property
    def label(self) -> str:
        return self.label_en if (get_language() or "vi").startswith("en") else self.label_vi

    @property
    def permanent(self) -> bool:
        """DC-3: clauses 4 and 13 of Đ11 stay posted permanently (no end date)."""
        return self.posting == POSTING_PERMANENT

    def __str__(self) -> str:
        return self.label


def categories() -> list[Category]:
    rows = rulebook().setting("categories") or []
    return [
        Category(
            code=str(r["code"]),
            source=str(r.get("source", "")),
            verified=str(r.get("verified", "")),
            label_vi=str(r.get("label_vi", r["code"])),
            label_en=str(r.get("label_en", r.get("label_vi", r["code"]))),
            posting=str(r.get("posting", POSTING_NONE)),
            loudspeaker=bool(r.get("loudspeaker", False)),
            item=r.get("item"),
        )
        for r in rows
    ]


def category(code: str) -> Category | None:
    return next((c for c in categories() if c.code == code), None)


def category_choices() -> list[tuple[str, str]]:
    return [(c.code, f"{c.label} ({c.source})") for c in categories()]


def category_label(code: str) -> str:
    found = category(code)
    return found.label if found else code
