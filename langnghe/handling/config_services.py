"""Writes to the handling configuration (routing rules). Same shape as every service: guard →
set → save → audit, in one transaction. Configuration is not item state, but who pointed which
topic at which unit is exactly what someone will later ask about, so it is audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from langnghe.core.audit import audit_event_record
from langnghe.core.errors import ApplicationError, PermissionDenied
from langnghe.core.text import has_text
from langnghe.intake.models import Kind
from langnghe.orgs.access import has_role_over, paths_with_roles, subtree_q
from langnghe.orgs.models import AdminUnit, Organisation, Role, active_q

from .models import RoutingRule

MANAGE_ROLES = (Role.LEADER, Role.ADMIN)
RULE_FIELDS = ("name", "topic", "admin_unit", "kind", "target", "priority", "active")
PRIORITY_RANGE = (-1000, 1000)

# Who may set a routing rule (review H2). A rule decides which unit receives whose items, and the
# most specific one wins over the whole deployment, so whoever sets it must answer for every item
# it can capture, not only for the unit it sends them to:
#
# - the target: the actor leads or administers it (they send items into their own subtree);
# - the scope owners: the organisations whose items the rule captures. A rule naming a place
#   (``admin_unit``) captures that place's items, whichever body receives them, so its owners are
#   every active organisation of that place (``Organisation.admin_unit``), and the actor must lead
#   or administer each of them (a grant on it or on an ancestor). A rule naming no place, or a
#   place no organisation belongs to, captures items across the deployment: its owners are the
#   root organisations, so only someone leading or administering every root may set it;
# - the target lies in a scope owner's subtree: a place's items stay in that place's
#   organisations (a commune's leader cannot send them to a unit of another commune, even one they
#   also lead).
#
# The same check covers the rule as it was before an edit or deactivation (nobody switches off or
# re-points a rule that captures items beyond their reach). The service is the authority; the
# forms offer only the places and targets that can pass it (``rule_admin_units_for`` /
# ``rule_targets_for``) and repeat the check for a friendlier error.


def can_manage_routing_rule(actor: Any, target: Organisation | None) -> bool:
    """The target half of the check: the actor leads or administers the target's subtree. Not
    enough on its own to set a rule; see ``routing_rule_refusal`` / ``can_manage_rule``."""
    return target is not None and has_role_over(actor, target, MANAGE_ROLES)


def scope_owners(admin_unit: AdminUnit | None) -> tuple[list[Organisation], bool]:
    """The organisations whose items a rule for ``admin_unit`` captures, and whether the rule is
    deployment-wide (no place, or a place no active organisation belongs to: then the roots)."""
    today = timezone.localdate()
    if admin_unit is not None:
        local = list(Organisation.objects.filter(active_q(today), admin_unit=admin_unit))
        if local:
            return local, False
    return list(Organisation.objects.filter(active_q(today), parent__isnull=True)), True


def can_set_deployment_wide_rules(actor: Any) -> bool:
    """A leader or administrator of every root organisation (parent is None)."""
    roots, _deployment_wide = scope_owners(None)
    return bool(roots) and all(has_role_over(actor, root, MANAGE_ROLES) for root in roots)


def routing_rule_refusal(
    actor: Any, *, target: Organisation | None, admin_unit: AdminUnit | None
) -> str | None:
    """Why ``actor`` may not set a rule sending ``admin_unit``'s items (all items if None) to
    ``target``, or None when they may. The messages say which half failed."""
    if target is None or not can_manage_routing_rule(actor, target):
        return str(_("Bạn chỉ đặt quy tắc chuyển về đơn vị mình lãnh đạo hoặc quản trị."))
    owners, deployment_wide = scope_owners(admin_unit)
    if not owners or not all(has_role_over(actor, org, MANAGE_ROLES) for org in owners):
        if deployment_wide:
            return str(
                _(
                    "Quy tắc không gắn với địa bàn có tổ chức nào áp dụng cho ý kiến của toàn hệ "
                    "thống: chỉ lãnh đạo hoặc quản trị của tất cả tổ chức cấp cao nhất mới đặt "
                    "được. Hãy chọn địa bàn của đơn vị mình."
                )
            )
        return str(
            _(
                "Bạn không lãnh đạo hoặc quản trị mọi tổ chức của địa bàn “%(place)s”: quy tắc này "
                "sẽ chuyển ý kiến của họ. Chỉ đặt quy tắc cho địa bàn của đơn vị mình."
            )
            % {"place": admin_unit}
        )
    if not any(target.path.startswith(org.path) for org in owners):
        return str(
            _(
                "Đơn vị xử lý phải thuộc địa bàn của quy tắc: không chuyển ý kiến của “%(place)s” "
                "sang đơn vị ngoài địa bàn đó."
            )
            % {"place": admin_unit or _("mọi địa bàn")}
        )
    return None


def can_manage_rule(actor: Any, rule: RoutingRule) -> bool:
    """The actor may edit or deactivate ``rule`` as it stands (target and scope)."""
    target = rule.target if rule.target_id else None
    admin_unit = rule.admin_unit if rule.admin_unit_id else None
    return routing_rule_refusal(actor, target=target, admin_unit=admin_unit) is None


def rule_admin_units_for(actor: Any) -> QuerySet[AdminUnit]:
    """Places the actor may scope a rule to: every active organisation of the place lies in a
    subtree they lead or administer. Places no organisation belongs to count as deployment-wide
    and are offered only to whoever may set deployment-wide rules."""
    mine = subtree_q(paths_with_roles(actor, MANAGE_ROLES), "path")
    placed = Organisation.objects.filter(active_q(), admin_unit__isnull=False)
    units = AdminUnit.objects.filter(active_q()).exclude(
        pk__in=placed.exclude(mine).values("admin_unit_id")
    )
    if not can_set_deployment_wide_rules(actor):
        units = units.filter(pk__in=placed.filter(mine).values("admin_unit_id"))
    return units.order_by("name")


def rule_targets_for(actor: Any) -> QuerySet[Organisation]:
    """Units the actor may send a rule's items to: accepting units they lead or administer and,
    unless they may set deployment-wide rules, inside an organisation of a place they may scope a
    rule to. Which place goes with which target is checked on save."""
    mine = subtree_q(paths_with_roles(actor, MANAGE_ROLES), "path")
    targets = Organisation.objects.filter(mine, accepts_items=True)
    if not can_set_deployment_wide_rules(actor):
        owner_paths = Organisation.objects.filter(
            active_q(), admin_unit__in=rule_admin_units_for(actor)
        ).values_list("path", flat=True)
        targets = targets.filter(subtree_q(list(owner_paths), "path"))
    return targets.order_by("path")


def _snapshot(rule: RoutingRule) -> dict[str, Any]:
    return {
        "name": rule.name,
        "topic": rule.topic_id,
        "admin_unit": rule.admin_unit_id,
        "kind": rule.kind,
        "target": rule.target_id,
        "priority": rule.priority,
        "active": rule.active,
    }


@transaction.atomic
def routing_rule_save(
    *, rule_data: dict[str, Any], actor: Any, rule: RoutingRule | None = None
) -> RoutingRule:
    """Create a rule (``rule=None``) or change the given fields of one (deactivating included).

    ``rule_data`` holds model values (``topic``, ``admin_unit`` and ``target`` as instances).
    The actor must be allowed the rule as it will be (``routing_rule_refusal``: the target and
    every organisation whose items it captures) and, when editing, as it was: nobody re-points or
    switches off a rule that captures items beyond their reach.
    """
    unknown = set(rule_data) - set(RULE_FIELDS)
    if unknown:
        raise ApplicationError(ApplicationError.INVALID, _("Trường không hợp lệ."))
    creating = rule is None
    if rule is None:
        rule = RoutingRule()
        before: dict[str, Any] = {}
    else:
        rule = (
            RoutingRule.objects.select_for_update(of=("self",))
            .select_related("target", "admin_unit")
            .get(pk=rule.pk)
        )
        if not can_manage_rule(actor, rule):
            raise PermissionDenied(
                _(
                    "Quy tắc này chuyển ý kiến của đơn vị ngoài phạm vi bạn lãnh đạo hoặc quản "
                    "trị: bạn không sửa hay ngừng áp dụng được."
                )
            )
        before = _snapshot(rule)
    for name, value in rule_data.items():
        setattr(rule, name, value)

    target = rule.target if rule.target_id else None
    refusal = routing_rule_refusal(
        actor, target=target, admin_unit=rule.admin_unit if rule.admin_unit_id else None
    )
    if refusal is not None:
        raise PermissionDenied(refusal)
    rule.name = (rule.name or "").replace("\x00", "").strip()
    if not has_text(rule.name):  # not only invisible characters either
        raise ApplicationError(ApplicationError.INVALID, _("Vui lòng đặt tên cho quy tắc."))
    if rule.kind and rule.kind not in Kind.values:
        raise ApplicationError(ApplicationError.INVALID, _("Loại ý kiến không hợp lệ."))
    if (
        not isinstance(rule.priority, int)
        or not PRIORITY_RANGE[0] <= rule.priority <= PRIORITY_RANGE[1]
    ):
        raise ApplicationError(ApplicationError.INVALID, _("Mức ưu tiên từ -1000 đến 1000."))
    if rule.active and not target.accepts_items:  # type: ignore[union-attr]
        raise ApplicationError(ApplicationError.INVALID, _("Đơn vị đích không tiếp nhận ý kiến."))
    rule.save()
    after = _snapshot(rule)
    changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
    audit_event_record(
        action="routing_rule.created" if creating else "routing_rule.updated",
        obj=rule,
        actor=actor,
        data={"changes": changes},
    )
    return rule
