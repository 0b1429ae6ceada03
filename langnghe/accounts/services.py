"""Staff two-factor authentication (TOTP, RFC 6238, through django-otp) and recovery codes.

Every enrolment, failed code, recovery-code use and reset is audited (docs/security.md §5).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from langnghe.core.audit import audit_event_record
from langnghe.core.errors import ApplicationError, PermissionDenied
from langnghe.core.text import is_digits
from langnghe.orgs.access import grants_for

from . import conf, throttle
from .models import RecoveryCode

DEVICE_NAME = "default"
RECOVERY_CODE_COUNT = 10
# No 0/O, 1/I/L: read aloud or copied from paper without confusion.
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


class TwoFactorError(ApplicationError):
    CODE = "accounts.two_factor"

    def __init__(self, message: str) -> None:
        super().__init__(self.CODE, message)


# --- reading ------------------------------------------------------------------------------------


def confirmed_device(user: Any) -> TOTPDevice | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def has_two_factor(user: Any) -> bool:
    return confirmed_device(user) is not None


def two_factor_required(user: Any) -> bool:
    """LANGNGHE_REQUIRE_2FA_ROLES names the roles that must enrol ("admin" also covers
    superusers)."""
    roles = conf.require_2fa_roles()
    if not roles or not getattr(user, "is_authenticated", False):
        return False
    if "admin" in roles and user.is_superuser:
        return True
    return any(role in roles for _, role in grants_for(user))


def recovery_codes_left(user: Any) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def totp_secret_text(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an app by hand."""
    text = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


# --- enrolment ----------------------------------------------------------------------------------


@transaction.atomic
def two_factor_enrol_start(*, actor: Any) -> TOTPDevice:
    """The pending (unconfirmed) device of the actor, made once; refused when one is confirmed."""
    if has_two_factor(actor):
        raise TwoFactorError(_("Tài khoản đã bật xác thực hai bước."))
    device = TOTPDevice.objects.filter(user=actor, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=actor, name=DEVICE_NAME, confirmed=False)
    return device


def _normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def _code_hash(user_id: int, code: str) -> str:
    message = f"{user_id}:{_normalise_code(code)}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _new_recovery_codes(user: Any) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = []
    for _i in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_ALPHABET) for _j in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    RecoveryCode.objects.bulk_create(
        [RecoveryCode(user=user, code_hash=_code_hash(user.pk, c)) for c in codes]
    )
    return codes


def two_factor_enrol_confirm(*, actor: Any, token: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the pending device with a code from the app; return it and the recovery codes
    (shown once: only their keyed hashes are kept). A wrong code is audited."""
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update(of=("self",))
            .filter(user=actor, confirmed=False)
            .order_by("id")
            .first()
        )
        if device is None:
            raise TwoFactorError(_("Chưa bắt đầu đăng ký hoặc tài khoản đã bật xác thực hai bước."))
        if device.verify_token(_normalise_code(token)):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=actor, confirmed=False).delete()
            codes = _new_recovery_codes(actor)
            audit_event_record(
                action="auth.2fa_enrolled",
                obj=actor,
                actor=actor,
                data={"device": device.pk, "recovery_codes": len(codes)},
            )
            return device, codes
    # Outside the block: the failure's audit row must survive the error.
    audit_event_record(action="auth.2fa_failed", obj=actor, actor=actor, data={"reason": "enrol"})
    raise TwoFactorError(
        _("Mã xác thực không đúng. Kiểm tra giờ trên điện thoại và nhập mã mới nhất.")
    )


@transaction.atomic
def recovery_codes_regenerate(*, actor: Any) -> list[str]:
    if not has_two_factor(actor):
        raise TwoFactorError(_("Tài khoản chưa bật xác thực hai bước."))
    codes = _new_recovery_codes(actor)
    audit_event_record(action="auth.recovery_codes_regenerated", obj=actor, actor=actor)
    return codes


# --- the login's second step --------------------------------------------------------------------


def two_factor_check(*, user: Any, token: str, address: str) -> tuple[TOTPDevice, str]:
    """Check a code from the app, or an unused recovery code, for the user who just gave the
    right password. Returns the device and "totp"/"recovery"; raises TwoFactorError otherwise,
    after auditing the failure and counting it in the login throttle."""
    code = _normalise_code(token)
    reason = "code"
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update(of=("self",))
            .filter(user=user, confirmed=True)
            .order_by("id")
            .first()
        )
        if device is None:
            raise TwoFactorError(_("Tài khoản chưa bật xác thực hai bước."))
        if is_digits(code) and len(code) == device.digits:
            # django-otp's own throttle: after a wrong code, the next try waits 1, 2, 4… s.
            allowed, _info = device.verify_is_allowed()
            if not allowed:
                reason = "throttled"
            elif device.verify_token(code):
                return device, "totp"
        elif len(code) == 10:
            used = RecoveryCode.objects.filter(
                user=user, code_hash=_code_hash(user.pk, code), used_at__isnull=True
            ).update(used_at=timezone.now())
            if used:
                audit_event_record(
                    action="auth.recovery_code_used",
                    obj=user,
                    actor=user,
                    data={"left": recovery_codes_left(user)},
                )
                return device, "recovery"
    throttle.login_failure(username=user.get_username(), address=address)
    audit_event_record(action="auth.2fa_failed", obj=user, actor=user, data={"reason": reason})
    if reason == "throttled":
        raise TwoFactorError(
            _("Đã nhập sai mã nhiều lần. Vui lòng đợi một lát rồi thử lại với mã mới.")
        )
    raise TwoFactorError(_("Mã xác thực không đúng."))


# --- reset by an administrator -----------------------------------------------------------------


@transaction.atomic
def two_factor_reset(*, actor: Any, user: Any) -> None:
    """Remove a staff member's device and recovery codes (a lost phone); they enrol again at
    their next login. Administrators over one of the member's organisations, or superusers."""
    from langnghe.handling.rules import can

    if not can(actor, "accounts.reset_two_factor", user):
        raise PermissionDenied(_("Bạn không có quyền đặt lại xác thực hai bước của tài khoản này."))
    if actor.pk == user.pk:
        raise TwoFactorError(
            _("Không thể tự đặt lại xác thực hai bước của mình; hãy nhờ một quản trị viên khác.")
        )
    devices = TOTPDevice.objects.filter(user=user).delete()[0]
    RecoveryCode.objects.filter(user=user).delete()
    throttle.login_unlock(username=user.get_username())
    audit_event_record(action="auth.2fa_reset", obj=user, actor=actor, data={"devices": devices})


# --- password failures --------------------------------------------------------------------------


def login_failure_record(*, username: str, address: str) -> throttle.Lock | None:
    """A wrong password: counted per username and per address, audited. The username is
    recorded only when such an account exists (people type their password into the username
    field by mistake); the password and the address never are."""
    user = get_user_model().objects.filter(username__iexact=username.strip()).first()
    locked = throttle.login_failure(username=username, address=address)
    audit_event_record(
        action="auth.login_failed",
        obj=user,
        actor_label=user.get_username() if user is not None else "?",
        data={"reason": "password", "locked": locked},
    )
    if locked:
        audit_event_record(
            action="auth.locked", obj=user, actor_label=user.get_username() if user else "?"
        )
    return throttle.login_lock(username=username, address=address) if locked else None
