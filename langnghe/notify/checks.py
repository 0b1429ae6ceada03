"""Deployment checks of the notification back-ends (`manage.py check --deploy`, /healthz).

The file and console back-ends (Django's file-based and console e-mail back-ends, our FileSMSBackend
and ConsoleSMSBackend) deliver nothing: they write the citizen's e-mail address or phone number and
the message in clear to disk or to the log, outside the vault and its audit. They are for
development; a deployment uses SMTP and its SMS gateway, or says explicitly that it wants files
with LANGNGHE_ALLOW_FILE_NOTIFICATIONS=1.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.utils.module_loading import import_string

ALLOW_HINT = (
    "Configure SMTP (EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS) "
    "and LANGNGHE_SMS_BACKEND, or set LANGNGHE_ALLOW_FILE_NOTIFICATIONS=1 to accept contact "
    "details written in clear (docs/operations.md §2)."
)


def _email_backend_class() -> Any:
    return import_string(settings.EMAIL_BACKEND)


def notification_problems() -> list[tuple[str, str]]:
    """(check id, message) for every notification back-end that must not run in a deployment;
    empty when the configuration is fine."""
    from django.core.mail.backends.console import EmailBackend as ConsoleEmailBackend

    from .backends import BaseSMSBackend

    allowed = bool(settings.LANGNGHE.get("ALLOW_FILE_NOTIFICATIONS"))
    problems: list[tuple[str, str]] = []

    try:
        email_class = _email_backend_class()
    except ImportError as exc:
        problems.append(("notify.E001", f"EMAIL_BACKEND cannot be imported: {exc}"))
    else:
        # The file-based back-end is a subclass of the console one: both write in clear.
        if issubclass(email_class, ConsoleEmailBackend) and not allowed:
            problems.append(
                (
                    "notify.E002",
                    f"EMAIL_BACKEND {settings.EMAIL_BACKEND} writes citizens' e-mail addresses "
                    "in clear instead of sending them",
                )
            )
        if (
            getattr(settings, "EMAIL_USE_TLS", False)
            and getattr(settings, "EMAIL_USE_SSL", False)
            and email_class.__module__ == "django.core.mail.backends.smtp"
        ):
            problems.append(
                ("notify.E003", "EMAIL_USE_TLS and EMAIL_USE_SSL are both set; choose one")
            )

    path = str(settings.LANGNGHE.get("SMS_BACKEND", ""))
    try:
        sms_class = import_string(path)
    except ImportError as exc:
        problems.append(("notify.E004", f"LANGNGHE_SMS_BACKEND cannot be imported: {exc}"))
    else:
        if not (isinstance(sms_class, type) and issubclass(sms_class, BaseSMSBackend)):
            problems.append(
                (
                    "notify.E005",
                    f"SMS back-end {path} is not a langnghe.notify.backends.BaseSMSBackend",
                )
            )
        elif sms_class.writes_in_clear and not allowed:
            problems.append(
                (
                    "notify.E006",
                    f"SMS back-end {path} writes citizens' phone numbers in clear instead of "
                    "sending them",
                )
            )
    return problems


@register(Tags.security, deploy=True)
def check_notification_backends(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = [
        Error(message, hint=ALLOW_HINT, id=check_id)
        for check_id, message in notification_problems()
    ]
    email_host = str(getattr(settings, "EMAIL_HOST", "") or "")
    try:
        smtp = _email_backend_class().__module__ == "django.core.mail.backends.smtp"
    except ImportError:
        smtp = False
    if (
        smtp
        and email_host not in ("localhost", "127.0.0.1", "::1")
        and not (settings.EMAIL_USE_TLS or settings.EMAIL_USE_SSL)
    ):
        messages.append(
            Warning(
                f"SMTP to {email_host} without TLS sends citizens' "
                "e-mail addresses in clear over the network",
                hint="Set EMAIL_USE_TLS=1 (STARTTLS) or EMAIL_USE_SSL=1 (port 465).",
                id="notify.W001",
            )
        )
    return messages
