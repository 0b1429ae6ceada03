"""The discipline rule book (policies/discipline.yaml) and the checks computed from it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from langnghe.core.ruledata import Rule, RuleBook, get_rulebook

UNVERIFIED = gettext_lazy("chưa xác minh — cấu hình tại địa phương")

# The RULES.md verification tags, explained on screen next to them.
VERIFICATION_LEGEND = gettext_lazy(
    "V1: đã đọc văn bản; V1-M: đã đọc văn bản (một nguồn sao chép duy nhất); V2: nguồn thứ cấp; "
    "W: nguồn yếu; U: chưa xác minh"
)


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


def measure_label(measure: dict[str, Any]) -> str:
    """A state measure's name in the active language (label_en in English)."""
    vi = str(measure.get("label") or measure.get("code", ""))
    if (get_language() or "vi").startswith("en"):
        return str(measure.get("label_en") or vi)
    return vi


def state_measure_label(code: str) -> str:
    for m in state_measures():
        if m["code"] == code:
            return measure_label(m)
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

    @property
    def verified_label(self) -> str:
        """The verification tag as shown ("local" = set by the deployment)."""
        return _("cấu hình tại địa phương") if self.verified == "local" else self.verified


def _text(entry: dict[str, Any]) -> str:
    """A setting's free text in the active language (text_en in English)."""
    vi = str(entry.get("text", ""))
    if (get_language() or "vi").startswith("en"):
        return str(entry.get("text_en") or vi)
    return vi


def _form_label(code: str) -> str:
    from .models import DisciplineForm

    return str(DisciplineForm(code).label) if code in DisciplineForm.values else code


def _kind_label(code: str) -> str:
    from langnghe.orgs.models import Organisation

    kinds = Organisation.Kind
    return str(kinds(code).label) if code in kinds.values else code


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
            _("Văn bản thay thế danh mục kỷ luật"),
            _text(superseded) if superseded.get("value") else "",
            str(superseded.get("verified", "U")),
        ),
        RuleStatus(
            "KT-11",
            _("Thẩm quyền quyết định từng hình thức kỷ luật"),
            "; ".join(
                f"{_form_label(k)}: {', '.join(_kind_label(x) for x in v)}"
                for k, v in matrix.items()
            )
            if matrix
            else "",
            "local" if matrix else str(s.get("competence_verified", "U")),
        ),
        RuleStatus(
            "KT-11",
            _("Thời hiệu xử lý kỷ luật"),
            "; ".join(f"{_form_label(k)}: {v}" for k, v in periods.items()) if periods else "",
            "local" if periods else str(s.get("limitation_verified", "U")),
        ),
        RuleStatus(
            "KT-4",
            _("Chi bộ không thi hành kỷ luật cấp ủy viên về vi phạm nhiệm vụ cấp trên giao"),
            _("cảnh báo") if not kt4.get("enforce") else _("bắt buộc"),
            str(kt4.get("verified", "W")),
        ),
        RuleStatus(
            "KT-8, KT-9",
            _("Danh mục hình thức kỷ luật"),
            _text(basis),
            str(basis.get("verified", "")),
        ),
        RuleStatus(
            notice.cite_text,
            _("Thông báo cho tổ chức đảng quản lý đảng viên"),
            _("%(n)s ngày") % {"n": notice.value} if notice.value is not None else "",
            notice.verified,
        ),
        RuleStatus(
            publish.cite_text,
            _("Công khai quyết định kỷ luật"),
            _("%(n)s ngày làm việc") % {"n": publish.value} if publish.value is not None else "",
            publish.verified,
        ),
    ]


def unverified_panel(*, exclude: set[str] | frozenset[str] = frozenset()) -> list[RuleStatus]:
    """The unverified rules to warn about before a decision, one line per rule ID (the two KT-11
    points share one line), leaving out the IDs already warned about on the page."""
    rows: dict[str, list[RuleStatus]] = {}
    for r in rule_status():
        if r.unverified and r.cite not in exclude:
            rows.setdefault(r.cite, []).append(r)
    merged = []
    for cite, group in rows.items():
        if len(group) == 1:
            merged.append(group[0])
            continue
        merged.append(
            RuleStatus(
                cite,
                "; ".join(str(r.label) for r in group),
                "; ".join(r.value for r in group if r.value),
                group[0].verified,
            )
        )
    return merged


# The warnings kept with a decision (KT-11, KT-4) are shown in the reader's language: the text is
# rebuilt from the rule ID when the page is drawn (models.DisciplineDecision.warning_lines).


def kt11_warning(org_name: str) -> str:
    return _(
        "Thẩm quyền quyết định từng hình thức kỷ luật và thời hiệu chưa xác minh — "
        "cấu hình tại địa phương. Hãy kiểm tra thẩm quyền của %(org)s theo văn bản "
        "hiện hành trước khi ký."
    ) % {"org": org_name}


def kt4_warning(name: str) -> str:
    return _(
        "%(name)s là cấp ủy viên: chi bộ không thi hành kỷ luật cấp ủy viên về vi phạm trong "
        "thực hiện nhiệm vụ do cấp trên giao mà đề nghị cấp có thẩm quyền (KT-4, nguồn yếu — "
        "chưa xác minh)."
    ) % {"name": name}
