"""Who may call the staff endpoints: an active user with at least one role grant.

What they may do with each item is decided by the same named rules as the back office
(langnghe.handling.rules.can), inside the services."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from langnghe.orgs.access import has_any_role


def is_integration_account(user: Any) -> bool:
    """Open311 integrations submit through an account of their own (langnghe.open311); that
    account never uses the staff API, whatever credentials someone made for it."""
    return bool(getattr(user, "open311_integration", None))


class IsStaffActor(BasePermission):
    message = _("Cần đăng nhập bằng tài khoản cán bộ được phân quyền.")

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return False
        if is_integration_account(user):
            return False
        return has_any_role(user)
