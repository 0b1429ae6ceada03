"""The review rule book (policies/reviews.yaml) and the grading computed from it (KD-3 … KD-7).

Thresholds are read from the rule book, never from code. KD-7 (not completed) is not verified: when a
score falls below the lowest verified band and no local value is configured, no grade is proposed
and the competent level decides, with its reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from langnghe.core.ruledata import Rule, RuleBook, get_rulebook

UNVERIFIED_LABEL = "chưa xác minh — cấu hình tại địa phương"


def book() -> RuleBook:
    return get_rulebook("reviews", str(Path(__file__).parent))


def rule(key: str) -> Rule:
    return book().rule(key)


def number(key: str) -> Decimal | None:
    value = rule(key).value
    return None if value is None else Decimal(str(value))


def cadences() -> list[str]:
    """KD-2: the cadences the rule book allows."""
    return list(book().setting("cadences", {}).get("values", []))


@dataclass(frozen=True)
class TaskFigures:
    """What the reviewed reports about their tasks over the period."""

    total: int = 0
    done: int = 0
    on_time: int = 0
    exceeded: int = 0
    quality_ok: bool = False
    # KD-4 (collectives): a member or a subordinate unit was disciplined during the period.
    disciplined: bool = False

    @property
    def late(self) -> int:
        """Done, but behind schedule."""
        return max(self.done - self.on_time, 0)


@dataclass
class Proposal:
    """The grade the figures support, and for each higher grade why it was not reached."""

    grade: str | None
    total: Decimal
    reasons: list[str] = field(default_factory=list)
    cite: str = ""
    decided_by_competent_level: bool = False


def _pct(part: int, whole: int) -> Decimal:
    return Decimal(part * 100) / Decimal(whole) if whole else Decimal(0)


def grade_propose(
    general: Decimal, results: Decimal, figures: TaskFigures, *, collective: bool
) -> Proposal:
    """KD-4 … KD-7: the highest grade whose score band and conditions are met.

    A score above a band whose extra conditions fail is considered for the next grade down (a
    threshold is a minimum), and the reason is kept.
    """
    total = general + results
    reasons: list[str] = []
    everything_on_time = figures.total > 0 and figures.on_time >= figures.total
    all_done = figures.total > 0 and figures.done >= figures.total

    excellent_min = number("excellent_min_score")
    exceeded_min = number("excellent_min_exceeded")
    if excellent_min is not None and total >= excellent_min:
        failed = []
        if not everything_on_time:
            failed.append(_("chưa hoàn thành 100% nhiệm vụ đúng hạn"))
        if exceeded_min is not None and _pct(figures.exceeded, figures.total) < exceeded_min:
            failed.append(
                _("chỉ %(p)s%% nhiệm vụ vượt mức (cần ít nhất %(m)s%%)")
                % {"p": _fmt(_pct(figures.exceeded, figures.total)), "m": _fmt(exceeded_min)}
            )
        if collective and figures.disciplined:
            failed.append(_("có thành viên hoặc tổ chức trực thuộc bị kỷ luật"))
        if not failed:
            return Proposal("excellent", total, reasons, cite="KD-4")
        reasons.append(_("Không đạt Hoàn thành xuất sắc (KD-4): %s.") % "; ".join(failed))
    elif excellent_min is not None:
        reasons.append(
            _("Không đạt Hoàn thành xuất sắc (KD-4): %(t)s điểm, cần từ %(m)s.")
            % {"t": _fmt(total), "m": _fmt(excellent_min)}
        )

    good_min = number("good_min_score")
    if good_min is not None and total >= good_min:
        failed = []
        if not everything_on_time:
            failed.append(_("chưa hoàn thành 100% nhiệm vụ đúng hạn"))
        if not figures.quality_ok:
            failed.append(_("chất lượng nhiệm vụ chưa được xác nhận"))
        if not failed:
            return Proposal("good", total, reasons, cite="KD-5")
        reasons.append(_("Không đạt Hoàn thành tốt (KD-5): %s.") % "; ".join(failed))
    elif good_min is not None:
        reasons.append(
            _("Không đạt Hoàn thành tốt (KD-5): %(t)s điểm, cần từ %(m)s.")
            % {"t": _fmt(total), "m": _fmt(good_min)}
        )

    completed_min = number("completed_min_score")
    late_max = number("completed_max_late_collective")
    if completed_min is not None and total >= completed_min:
        failed = []
        if not all_done:
            failed.append(_("chưa hoàn thành 100% nhiệm vụ"))
        if collective and late_max is not None and _pct(figures.late, figures.total) > late_max:
            failed.append(
                _("%(p)s%% nhiệm vụ chậm tiến độ (tập thể: tối đa %(m)s%%)")
                % {"p": _fmt(_pct(figures.late, figures.total)), "m": _fmt(late_max)}
            )
        if not failed:
            return Proposal("completed", total, reasons, cite="KD-6")
        reasons.append(_("Không đạt Hoàn thành nhiệm vụ (KD-6): %s.") % "; ".join(failed))
    elif completed_min is not None:
        reasons.append(
            _("Không đạt Hoàn thành nhiệm vụ (KD-6): %(t)s điểm, cần từ %(m)s.")
            % {"t": _fmt(total), "m": _fmt(completed_min)}
        )

    # KD-7: only a locally configured threshold may say "not completed"; never invented.
    below = number("not_completed_below")
    if below is not None and total < below:
        reasons.append(
            _("Dưới %(m)s điểm: Không hoàn thành nhiệm vụ (KD-7, giá trị cấu hình tại địa phương).")
            % {"m": _fmt(below)}
        )
        return Proposal("not_completed", total, reasons, cite="KD-7")
    reasons.append(
        _(
            "Ngưỡng và điều kiện của mức Không hoàn thành nhiệm vụ (KD-7) %(u)s: hệ thống không "
            "tự xếp loại; cấp có thẩm quyền quyết định và ghi rõ lý do."
        )
        % {"u": UNVERIFIED_LABEL}
    )
    return Proposal(None, total, reasons, cite="KD-7", decided_by_competent_level=True)


def _fmt(value: Decimal) -> str:
    value = value.quantize(Decimal("0.1"))
    text = f"{value:f}"
    return text[:-2] if text.endswith(".0") else text.replace(".", ",")


def rule_rows() -> list[dict[str, Any]]:
    """The rule book as rows for the screen: value, citation, and whether it is configurable."""
    rows = []
    for key, variants in book().rules.items():
        r = variants[0]
        rows.append(
            {
                "key": key,
                "value": r.value,
                "unit": r.unit,
                "cite": r.cite_text,
                "verified": r.verified,
                "configurable": r.configurable,
            }
        )
    return rows


def superseded_note(key: str) -> str:
    """KD-8 / KD-9 come from the superseded QĐ 124/2023: the source and its status under QĐ 366."""
    data = book().setting(key, {}) or {}
    return str(data.get("source", ""))
