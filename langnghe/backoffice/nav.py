"""The back office's main menu: each area, and the roles that work in it (DESIGN.md §2), taken
from the capabilities' own rule modules. A link is shown only to those it can serve:
tests/security/test_every_url.py checks that no menu link answers 403 to a demo role."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from langnghe.orgs.access import grants_for, has_any_role
from langnghe.orgs.models import Role


@dataclass(frozen=True)
class Area:
    url_name: str
    label: Any
    roles: frozenset[str] | None  # None: every signed-in account
    namespace: str = ""  # marks the link current on every page of the app
    current: tuple[str, ...] = ()  # or on these url names of the back office itself
    # Also shown to an account with records of its own there (a cadre's own review, decision).
    own_records: Callable[[Any], bool] | None = None


def _own_reviews(user: Any) -> bool:
    from langnghe.accountability.reviews.selectors import own_reviews, own_suggestions

    return own_reviews(user).exists() or own_suggestions(user).exists()


def _own_decisions(user: Any) -> bool:
    from langnghe.accountability.discipline.selectors import decisions_for

    return decisions_for(actor=user).exists()


def _areas() -> list[Area]:
    from langnghe.accountability.discipline.rules import NOTICE_KEEP_ROLES
    from langnghe.accountability.inspections.rules import PLAN_VIEW_ROLES
    from langnghe.accountability.opinion.rules import SIGNAL_ROLES
    from langnghe.accountability.reviews import rules as reviews
    from langnghe.accountability.supervision import rules as supervision
    from langnghe.boxes import rules as boxes
    from langnghe.disclosure.rules import VIEW_ROLES as DISCLOSURE_ROLES
    from langnghe.handling.rules import RECEIVING_VIEW_ROLES
    from langnghe.handling.selectors import MANAGE_RULE_ROLES
    from langnghe.imports.rules import IMPORT_ROLES
    from langnghe.meetings import rules as meetings
    from langnghe.reception import rules as reception
    from langnghe.reports.rules import READ_ROLES as REPORT_ROLES
    from langnghe.stats.rules import DASHBOARD_ROLES

    def roles(*groups: Any) -> frozenset[str]:
        return frozenset(r for group in groups for r in group)

    return [
        Area("backoffice:inbox", _("Hộp thư"), None, current=("inbox", "item")),
        Area(
            "stats_backoffice:dashboard", _("Thống kê"), roles(DASHBOARD_ROLES), "stats_backoffice"
        ),
        Area("reports_backoffice:list", _("Báo cáo"), roles(REPORT_ROLES), "reports_backoffice"),
        Area(
            "backoffice:reception",
            pgettext_lazy("menu", "Tiếp nhận"),
            roles(RECEIVING_VIEW_ROLES),
            current=("reception", "receipt"),
        ),
        Area(
            "backoffice:rules",
            _("Quy tắc chuyển"),
            roles(MANAGE_RULE_ROLES, RECEIVING_VIEW_ROLES),
            current=("rules", "rule_edit", "rule_create"),
        ),
        Area(
            "disclosure_backoffice:publications",
            pgettext_lazy("menu", "Công khai"),
            roles(DISCLOSURE_ROLES),
            "disclosure_backoffice",
        ),
        Area(
            "meetings_backoffice:index",
            _("Hội nghị"),
            roles(meetings.VIEW_ROLES, meetings.PROGRESS_ROLES, meetings.FRONT_ROLES),
            "meetings_backoffice",
        ),
        Area(
            "reception_backoffice:index",
            _("Tiếp công dân"),
            roles(
                reception.MANAGE_ROLES,
                reception.KEEP_LOG_ROLES,
                reception.VIEW_LOG_ROLES,
                reception.QUOTA_ROLES,
            ),
            "reception_backoffice",
        ),
        Area(
            "boxes_backoffice:register",
            _("Hòm thư góp ý"),
            roles(boxes.REGISTER_ROLES, boxes.FRONT_ROLES),
            "boxes_backoffice",
        ),
        Area("opinion_backoffice:index", _("Dư luận"), roles(SIGNAL_ROLES), "opinion_backoffice"),
        Area(
            "reviews_backoffice:index",
            _("Kiểm điểm"),
            roles(reviews.MANAGE_ROLES, reviews.READ_ROLES),
            "reviews_backoffice",
            own_records=_own_reviews,
        ),
        Area(
            "inspections_backoffice:index",
            pgettext_lazy("menu", "Kiểm tra"),
            roles(PLAN_VIEW_ROLES),
            "inspections_backoffice",
        ),
        Area(
            "discipline_backoffice:decisions",
            _("Kỷ luật"),
            roles({Role.INSPECTOR, Role.LEADER}, NOTICE_KEEP_ROLES),
            "discipline_backoffice",
            own_records=_own_decisions,
        ),
        Area(
            "supervision_backoffice:index",
            pgettext_lazy("menu", "Giám sát"),
            roles(supervision.FRONT_ROLES, supervision.SUPERVISED_ROLES),
            "supervision_backoffice",
        ),
        Area(
            "imports_backoffice:index", _("Nhập dữ liệu"), roles(IMPORT_ROLES), "imports_backoffice"
        ),
        Area("backoffice:orgs", _("Tổ chức"), roles(MANAGE_RULE_ROLES), current=("orgs",)),
    ]


# How long an account's menu is kept (`cached_menu_for`). Its grants are part of the key, so a new
# or withdrawn role shows at once; records of its own (a review, a decision) within this delay.
MENU_CACHE_SECONDS = 60


def cached_menu_for(user: Any) -> list[Area]:
    """`menu_for`, kept a minute per account and grants: the own-records links cost four queries
    on every back-office page (docs/performance.md)."""
    if not getattr(user, "is_authenticated", False):
        return []
    grants = ",".join(f"{path}:{role}" for path, role in sorted(grants_for(user)))
    digest = hashlib.sha256(f"{user.pk}|{grants}".encode()).hexdigest()[:32]
    key = f"bo_menu:{digest}"
    names = cache.get(key)
    if names is None:
        names = [area.url_name for area in menu_for(user)]
        cache.set(key, names, MENU_CACHE_SECONDS)
    areas = {area.url_name: area for area in _areas()}
    return [areas[name] for name in names if name in areas]


def menu_for(user: Any) -> list[Area]:
    if not getattr(user, "is_authenticated", False):
        return []
    linked = hasattr(user, "person")
    return [
        area
        for area in _areas()
        if area.roles is None
        or has_any_role(user, area.roles)
        or (linked and area.own_records is not None and area.own_records(user))
    ]
