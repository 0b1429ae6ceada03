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

from django.template.defaultfilters import floatformat
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from langnghe.core.ruledata import Rule, RuleBook, get_rulebook

UNVERIFIED_LABEL = gettext_lazy("chưa xác minh — cấu hình tại địa phương")


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
    """The grade the figures support, and for each higher grade why it was not reached.

    ``reason_codes`` is what is stored (codes and numbers, JSON-serialisable); the text of a reason
    is rendered in the reader's language at display time (``reason_text``)."""

    grade: str | None
    total: Decimal
    reason_codes: list[dict[str, Any]] = field(default_factory=list)
    cite: str = ""
    decided_by_competent_level: bool = False

    @property
    def reasons(self) -> list[str]:
        return [reason_text(r) for r in self.reason_codes]


def _pct(part: int, whole: int) -> Decimal:
    return Decimal(part * 100) / Decimal(whole) if whole else Decimal(0)


def _num(value: Decimal) -> str:
    """A number as stored in a reason: one decimal at most, dot separator (not localised)."""
    return f"{value.quantize(Decimal('0.1')).normalize():f}"


def grade_propose(
    general: Decimal, results: Decimal, figures: TaskFigures, *, collective: bool
) -> Proposal:
    """KD-4 … KD-7: the highest grade whose score band and conditions are met.

    A score above a band whose extra conditions fail is considered for the next grade down (a
    threshold is a minimum), and the reason is kept (as codes and numbers).
    """
    total = general + results
    reasons: list[dict[str, Any]] = []
    everything_on_time = figures.total > 0 and figures.on_time >= figures.total
    all_done = figures.total > 0 and figures.done >= figures.total

    excellent_min = number("excellent_min_score")
    exceeded_min = number("excellent_min_exceeded")
    if excellent_min is not None and total >= excellent_min:
        failed: list[dict[str, Any]] = []
        if not everything_on_time:
            failed.append({"code": "not_all_on_time"})
        if exceeded_min is not None and _pct(figures.exceeded, figures.total) < exceeded_min:
            failed.append(
                {
                    "code": "exceeded_low",
                    "p": _num(_pct(figures.exceeded, figures.total)),
                    "m": _num(exceeded_min),
                }
            )
        if collective and figures.disciplined:
            failed.append({"code": "disciplined"})
        if not failed:
            return Proposal("excellent", total, reasons, cite="KD-4")
        reasons.append({"code": "excellent_failed", "failed": failed})
    elif excellent_min is not None:
        reasons.append({"code": "excellent_score", "t": _num(total), "m": _num(excellent_min)})

    good_min = number("good_min_score")
    if good_min is not None and total >= good_min:
        failed = []
        if not everything_on_time:
            failed.append({"code": "not_all_on_time"})
        if not figures.quality_ok:
            failed.append({"code": "quality_not_confirmed"})
        if not failed:
            return Proposal("good", total, reasons, cite="KD-5")
        reasons.append({"code": "good_failed", "failed": failed})
    elif good_min is not None:
        reasons.append({"code": "good_score", "t": _num(total), "m": _num(good_min)})

    completed_min = number("completed_min_score")
    late_max = number("completed_max_late_collective")
    if completed_min is not None and total >= completed_min:
        failed = []
        if not all_done:
            failed.append({"code": "not_all_done"})
        if collective and late_max is not None and _pct(figures.late, figures.total) > late_max:
            failed.append(
                {
                    "code": "late_high",
                    "p": _num(_pct(figures.late, figures.total)),
                    "m": _num(late_max),
                }
            )
        if not failed:
            return Proposal("completed", total, reasons, cite="KD-6")
        reasons.append({"code": "completed_failed", "failed": failed})
    elif completed_min is not None:
        reasons.append({"code": "completed_score", "t": _num(total), "m": _num(completed_min)})

    # KD-7: only a locally configured threshold may say "not completed"; never invented.
    below = number("not_completed_below")
    if below is not None and total < below:
        reasons.append({"code": "not_completed_below", "m": _num(below)})
        return Proposal("not_completed", total, reasons, cite="KD-7")
    reasons.append({"code": "kd7_unverified"})
    return Proposal(None, total, reasons, cite="KD-7", decided_by_competent_level=True)


def show_number(value: Any) -> str:
    """A score or percentage for the screen: integer when whole, else one decimal, with the
    active language's decimal separator (the same as ``|floatformat:"-1"`` in templates)."""
    return floatformat(value, -1)


def _condition_text(c: dict[str, Any]) -> str:
    code = c.get("code")
    if code == "not_all_on_time":
        return _("chưa hoàn thành 100% nhiệm vụ đúng hạn")
    if code == "exceeded_low":
        return _("chỉ %(p)s%% nhiệm vụ vượt mức (cần ít nhất %(m)s%%)") % {
            "p": show_number(c["p"]),
            "m": show_number(c["m"]),
        }
    if code == "disciplined":
        return _("có thành viên hoặc tổ chức trực thuộc bị kỷ luật")
    if code == "quality_not_confirmed":
        return _("chất lượng nhiệm vụ chưa được xác nhận")
    if code == "not_all_done":
        return _("chưa hoàn thành 100% nhiệm vụ")
    if code == "late_high":
        return _("%(p)s%% nhiệm vụ chậm tiến độ (tập thể: tối đa %(m)s%%)") % {
            "p": show_number(c["p"]),
            "m": show_number(c["m"]),
        }
    return str(code)


def reason_text(reason: Any) -> str:
    """The text of a stored reason, in the active language. Reasons stored as text by an earlier
    version are shown as they are."""
    if not isinstance(reason, dict):
        return str(reason)
    code = reason.get("code")
    failed = "; ".join(_condition_text(c) for c in reason.get("failed", []))
    numbers = {k: show_number(reason[k]) for k in ("t", "m") if k in reason}
    if code == "excellent_failed":
        return _("Không đạt Hoàn thành xuất sắc (KD-4): %s.") % failed
    if code == "excellent_score":
        return _("Không đạt Hoàn thành xuất sắc (KD-4): %(t)s điểm, cần từ %(m)s.") % numbers
    if code == "good_failed":
        return _("Không đạt Hoàn thành tốt (KD-5): %s.") % failed
    if code == "good_score":
        return _("Không đạt Hoàn thành tốt (KD-5): %(t)s điểm, cần từ %(m)s.") % numbers
    if code == "completed_failed":
        return _("Không đạt Hoàn thành nhiệm vụ (KD-6): %s.") % failed
    if code == "completed_score":
        return _("Không đạt Hoàn thành nhiệm vụ (KD-6): %(t)s điểm, cần từ %(m)s.") % numbers
    if code == "not_completed_below":
        return (
            _("Dưới %(m)s điểm: Không hoàn thành nhiệm vụ (KD-7, giá trị cấu hình tại địa phương).")
            % numbers
        )
    if code == "kd7_unverified":
        return _(
            "Ngưỡng và điều kiện của mức Không hoàn thành nhiệm vụ (KD-7) %(u)s: hệ thống không "
            "tự xếp loại; cấp có thẩm quyền quyết định và ghi rõ lý do."
        ) % {"u": UNVERIFIED_LABEL}
    return str(code)


RULE_LABELS = {
    "general_max": gettext_lazy("Điểm tối đa của tiêu chí chung"),
    "results_max": gettext_lazy("Điểm tối đa của kết quả thực hiện nhiệm vụ"),
    "excellent_min_score": gettext_lazy("Hoàn thành xuất sắc nhiệm vụ: điểm tối thiểu"),
    "excellent_min_exceeded": gettext_lazy(
        "Hoàn thành xuất sắc nhiệm vụ: tỷ lệ nhiệm vụ vượt mức tối thiểu"
    ),
    "good_min_score": gettext_lazy("Hoàn thành tốt nhiệm vụ: điểm tối thiểu"),
    "completed_min_score": gettext_lazy("Hoàn thành nhiệm vụ: điểm tối thiểu"),
    "completed_max_late_collective": gettext_lazy(
        "Hoàn thành nhiệm vụ (tập thể): tỷ lệ nhiệm vụ chậm tiến độ tối đa"
    ),
    "not_completed_below": gettext_lazy("Không hoàn thành nhiệm vụ: dưới số điểm"),
    "annual_deadline": gettext_lazy("Thời hạn xếp loại đảng viên hằng năm"),
}


def value_text(value: Any, unit: str) -> str:
    """A rule's value with its unit, for people: "30 điểm", "30 %", "15 ngày"."""
    if value is None:
        return ""
    shown = show_number(value) if isinstance(value, (int, float, Decimal)) else str(value)
    if unit == "points":
        return _("%(v)s điểm") % {"v": shown}
    if unit == "percent":
        return f"{shown} %"
    if unit in {"d", "days"}:
        return _("%(v)s ngày") % {"v": shown}
    if unit in {"wd", "working_days"}:
        return _("%(v)s ngày làm việc") % {"v": shown}
    return shown


def rule_rows() -> list[dict[str, Any]]:
    """The rule book as rows for the screen: label, value with unit, citation, whether it is
    configurable. Never the internal keys."""
    rows = []
    for key, variants in book().rules.items():
        r = variants[0]
        rows.append(
            {
                "key": key,
                "label": str(RULE_LABELS.get(key, key)),
                "value": r.value,
                "value_text": value_text(r.value, r.unit),
                "unit": r.unit,
                "cite": r.cite_text,
                "verified": r.verified,
                "configurable": r.configurable,
            }
        )
    return rows


def superseded_note(key: str) -> str:
    """KD-8 / KD-9 come from the superseded QĐ 124/2023: the source and its status under QĐ 366,
    in the active language (``source_en`` next to ``source`` in the rule book)."""
    data = book().setting(key, {}) or {}
    if (get_language() or "vi").startswith("en") and data.get("source_en"):
        return str(data["source_en"])
    return str(data.get("source", ""))
