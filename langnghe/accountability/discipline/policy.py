"""The discipline rule book (policies/discipline.yaml) and the checks computed from it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langnghe.core.ruledata import Rule, RuleBook, get_rulebook

UNVERIFIED = "chưa xác minh — cấu hình tại địa phương"


def book() -> RuleBook:
    return get_rulebook("discipline", str(Path(__file__).parent))


def allowed_forms(subject_type: str) -> list[str]:
    """KT-8: the forms the rule book allows for a subject type (party_org / full_member /
    probationary_member); [] for anything else."""
    forms: dict[str, Any] = book().setting("forms", {})
    return list(forms.get(subject_type) or [])


def forms_needing_post() -> set[str]:
    return set(book().setting("forms", {}).get("needs_post") or [])


def party_org_kinds() -> set[str]:
    return set(book().setting("party_org_kinds", []))


def deciding_kinds() -> set[str]:
    return set(book().setting("deciding_kinds", []))


def state_issuer_kinds() -> set[str]:
    return set(book().setting("state_issuer_kinds", []))


def state_measures() -> list[dict[str, str]]:
    return list(book().setting("state_measures", []))


def state_measure_label(code: str) -> str:
    for m in state_measures():
        if m["code"] == code:
            return str(m["label"])
    return code


def competence_matrix() -> dict[str, list[str]] | None:
    """KT-11: {form: [deciding organisation kinds]} when configured locally, else None."""
    value = book().setting("competence_matrix")
    return dict(value) if value else None


def limitation_periods() -> dict[str, Any] | None:
    value = book().setting("limitation_periods")
    return dict(value) if value else None


def state_notice_rule(on: dt.date | None = None) -> Rule:
    return book().rule("state_notice_within", on)


def state_notice_due(decided_on: dt.date) -> dt.date | None:
    """KT-3: the last day to notify the party organisation (calendar days after the decision)."""
    return state_notice_rule(decided_on).after(decided_on)


def publish_rule(on: dt.date | None = None) -> Rule:
    return book().rule("publish_within", on)


def publish_due(decided_on: dt.date) -> dt.date | None:
    """TC-17: the last day to publish the decision (working days after it)."""
    return publish_rule(decided_on).after(decided_on)


def kt4_enforced() -> bool:
    return bool((book().setting("cell_on_committee_member") or {}).get("enforce"))


@dataclass(frozen=True)
class RuleStatus:
    """One line of the "rule status" panel."""

    cite: str
    label: str
    value: str
    verified: str

    @property
    def unverified(self) -> bool:
        return self.verified in {"U", "W"} or not self.value


def rule_status() -> list[RuleStatus]:
    """What the screens show about the rules of this app, unverified ones first."""
    s = book().settings
    basis = s.get("catalogue_basis") or {}
    superseded = s.get("catalogue_superseded_by") or {}
    matrix = competence_matrix()
    periods = limitation_periods()
    notice = state_notice_rule()
    publish = publish_rule()
    kt4 = s.get("cell_on_committee_member") or {}
    return [
        RuleStatus(
            "KT-10",
            "Văn bản thay thế danh mục kỷ luật",
            str(superseded.get("text", "")) if superseded.get("value") else "",
            str(superseded.get("verified", "U")),
        ),
        RuleStatus(
            "KT-11",
            "Thẩm quyền quyết định từng hình thức kỷ luật",
            ", ".join(f"{k}: {'/'.join(v)}" for k, v in matrix.items()) if matrix else "",
            "local" if matrix else str(s.get("competence_verified", "U")),
        ),
        RuleStatus(
            "KT-11",
            "Thời hiệu xử lý kỷ luật",
            ", ".join(f"{k}: {v}" for k, v in periods.items()) if periods else "",
            "local" if periods else str(s.get("limitation_verified", "U")),
        ),
        RuleStatus(
            "KT-4",
            "Chi bộ không thi hành kỷ luật cấp ủy viên về vi phạm nhiệm vụ cấp trên giao",
            "cảnh báo" if not kt4.get("enforce") else "bắt buộc",
            str(kt4.get("verified", "W")),
        ),
        RuleStatus(
            "KT-8, KT-9",
            "Danh mục hình thức kỷ luật",
            str(basis.get("text", "")),
            str(basis.get("verified", "")),
        ),
        RuleStatus(
            notice.cite_text,
            "Thông báo cho tổ chức đảng quản lý đảng viên",
            f"{notice.value} ngày" if notice.value is not None else "",
            notice.verified,
        ),
        RuleStatus(
            publish.cite_text,
            "Công khai quyết định kỷ luật",
            f"{publish.value} ngày làm việc" if publish.value is not None else "",
            publish.verified,
        ),
    ]
