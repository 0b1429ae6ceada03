"""Reads for the staff-accounts page: always for an actor, scoped by the organisation tree."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from langnghe.orgs.access import paths_with_roles, subtree_q
from langnghe.orgs.models import Role, RoleGrant

from . import conf


@dataclass(frozen=True)
class StaffRow:
    user: Any
    grants: list[RoleGrant]
    two_factor: bool
    codes_left: int
    required: bool


def _scoped_users(actor: Any) -> QuerySet:
    User = get_user_model()
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return User.objects.none()
    if actor.is_superuser:
        return User.objects.filter(Q(grants__isnull=False) | Q(is_superuser=True)).distinct()
    paths = paths_with_roles(actor, {Role.ADMIN})
    if not paths:
        return User.objects.none()
    return User.objects.filter(
        pk__in=RoleGrant.objects.filter(subtree_q(paths, "organisation__path")).values("user_id")
    )


def staff_for_admin(*, actor: Any, limit: int = 500) -> list[StaffRow]:
    users = list(
        _scoped_users(actor)
        .annotate(
            codes_left=Count("recovery_codes", filter=Q(recovery_codes__used_at__isnull=True))
        )
        .order_by("username")[:limit]
    )
    ids = [u.pk for u in users]
    enrolled = set(
        TOTPDevice.objects.filter(user_id__in=ids, confirmed=True).values_list("user_id", flat=True)
    )
    grants: dict[int, list[RoleGrant]] = {}
    for grant in RoleGrant.objects.filter(user_id__in=ids).select_related("organisation"):
        grants.setdefault(grant.user_id, []).append(grant)
    required_roles = conf.require_2fa_roles()
    rows = []
    for user in users:
        user_grants = grants.get(user.pk, [])
        required = bool(required_roles) and (
            any(g.role in required_roles for g in user_grants)
            or ("admin" in required_roles and user.is_superuser)
        )
        rows.append(
            StaffRow(
                user=user,
                grants=user_grants,
                two_factor=user.pk in enrolled,
                codes_left=user.codes_left,
                required=required,
            )
        )
    return rows


def staff_account_for_admin(*, actor: Any, user_id: int) -> Any | None:
    """The account if the actor administers it; None alike for missing and out of scope."""
    return _scoped_users(actor).filter(pk=user_id).first()
