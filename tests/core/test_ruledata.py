"""Rule books: values with citations, variants by rule set, deployment overrides."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured

from langnghe.core.ruledata import load_rulebook

BOOK = """
version: "1"
rule_sets:
  - {id: old, valid_from: 2014-07-01, valid_to: 2026-06-30, title: Old law}
  - {id: new, valid_from: 2026-07-01, valid_to: null, title: New law}
rules:
  publish_within:
    - {value: 5, unit: wd, cite: DC-2, verified: V1}
  quota:
    - {rule_set: old, value: 1, unit: per_week, cite: TCD-4, verified: V1}
    - {rule_set: new, value: 2, unit: per_month, cite: TCD-4b, verified: V2}
  witnesses:
    - {value: null, unit: count, cite: P99-3, verified: U}
settings:
  categories: [a, b]
"""


@pytest.fixture
def book(tmp_path):
    path = tmp_path / "book.yaml"
    path.write_text(BOOK, encoding="utf-8")
    return load_rulebook("book", [path]), tmp_path


def test_variant_follows_the_rule_set_in_force_on_the_date(book):
    rules, _ = book
    assert rules.rule("quota", dt.date(2026, 6, 30)).value == 1
    assert rules.rule("quota", dt.date(2026, 6, 30)).cite == ("TCD-4",)
    assert rules.rule("quota", dt.date(2026, 7, 1)).value == 2
    assert rules.rule("quota", dt.date(2026, 7, 1)).unit == "per_month"


def test_working_day_limits_skip_weekends_and_holidays(book):
    rules, _ = book
    rule = rules.rule("publish_within")
    # Friday 24 April 2026 + 5 WD: 25–26 weekend, 27 April (Hùng Kings, day in lieu), 28, 29,
    # then 30/4 and 1/5 holidays, 2–3 May weekend, 4, 5, 6 May.
    assert rule.after(dt.date(2026, 4, 24)) == dt.date(2026, 5, 6)
    assert rule.before(dt.date(2026, 5, 6)) == dt.date(2026, 4, 24)


def test_unverified_values_are_configurable_not_invented(book):
    rules, _ = book
    witnesses = rules.rule("witnesses")
    assert witnesses.configurable and witnesses.value is None
    assert witnesses.after(dt.date(2026, 1, 1)) is None
    assert not rules.rule("publish_within").configurable


def test_a_deployment_file_overrides_rules_by_key(book):
    _, tmp = book
    override = tmp / "override.yaml"
    override.write_text(
        "rules:\n  witnesses:\n    - {value: 3, unit: count, cite: P99-3, verified: U, note: local}\n",
        encoding="utf-8",
    )
    rules = load_rulebook("book", [tmp / "book.yaml", override])
    assert rules.rule("witnesses").value == 3
    assert rules.rule("quota", dt.date(2027, 1, 1)).value == 2
    assert rules.setting("categories") == ["a", "b"]


@pytest.mark.parametrize(
    "bad",
    [
        "rules:\n  x: [{value: 1, unit: fortnights, cite: A}]\n",
        "rules:\n  x: [{value: 1, unit: d}]\n",
        "rules:\n  x: [{value: 1, unit: d, cite: A, rule_set: nowhere}]\n",
    ],
)
def test_malformed_books_are_refused(tmp_path, bad):
    path = tmp_path / "bad.yaml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(ImproperlyConfigured):
        load_rulebook("bad", [path])
