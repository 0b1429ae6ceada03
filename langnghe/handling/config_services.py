"""Writes to the handling configuration (routing rules). Same shape as every service: guard →
set → save → audit, in one transaction. Configuration is not item state, but who pointed which
topic at which unit is exactly what someone will later ask about, so it is audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from langnghe.core.audit import audit_event_record
from langnghe.core.errors import ApplicationError, PermissionDenied
from langnghe.intake.models import Kind
from langnghe.orgs.access import has_role_over
from langnghe.orgs.models import Organisation, Role

from .models import RoutingRule

MANAGE_ROLES = (Role.LEADER, Role.ADMIN)
RULE_FIELDS = ("name", "topic", "admin_unit", "kind", "target", "priority", "active")
PRIORITY_RANGE = (-1000, 1000)


def can_manage_routing_rule(actor: Any, target: Organisation | None) -> bool:
    """Leaders and administrators manage the rules that send items into their subtree."""
    return target is not None and has_role_over(actor, target, MANAGE_ROLES)


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
    The actor must lead or administer the target's subtree, and, when editing, the subtree of
    the target the rule had before: nobody moves another subtree's rule into their own.
    """
    unknown = set(rule_data) - set(RULE_FIELDS)
    if unknown:
        raise ApplicationError(ApplicationError.INVALID, _("Trường không hợp lệ."))
    creating = rule is None
    if rule is None:
        rule = RoutingRule()
        before: dict[str, Any] = {}
    else:
        rule = RoutingRule.objects.select_for_update().select_related("target").get(pk=rule.pk)
        if not can_manage_routing_rule(actor, rule.target):
            raise PermissionDenied()
        before = _snapshot(rule)
    for name, value in rule_data.items():
        setattr(rule, name, value)

    target = rule.target if rule.target_id else None
    if not can_manage_routing_rule(actor, target):
        raise PermissionDenied(
            _("Bạn chỉ đặt quy tắc chuyển về đơn vị mình lãnh đạo hoặc quản trị.")
        )
    rule.name = (rule.name or "").replace("\x00", "").strip()
    if not rule.name:
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
