"""Messages to citizens (through the contact they chose, never revealing it to staff) and staff."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _

from langnghe.core.audit import audit_event_record
from langnghe.core.text import is_deliverable_email
from langnghe.handling.policy import get_policy
from langnghe.handling.rules import can
from langnghe.intake.models import Item
from langnghe.intake.vault import unseal
from langnghe.orgs.models import Organisation, RoleGrant

from .backends import get_sms_backend

CITIZEN_TEMPLATES = {
    "question": lambda item: (
        _(
            "Đơn vị xử lý có câu hỏi về ý kiến %(code)s. Vui lòng tra cứu bằng mã và mật mã của bạn để trả lời."
        )
        % {"code": item.code}
    ),
    "answered": lambda item: (
        _("Ý kiến %(code)s đã có trả lời. Vui lòng tra cứu bằng mã và mật mã của bạn.")
        % {"code": item.code}
    ),
}

STAFF_TEMPLATES = {
    # Staff e-mail carries the code only: its content (and who wrote it) stays in the system,
    # behind the permission rules, not in mailboxes.
    "routed": lambda item: (
        _("Đơn vị được giao xử lý ý kiến %(code)s. Vui lòng xem trong hệ thống.")
        % {"code": item.code}
    ),
    "reminder": lambda item: (
        _("Ý kiến %(code)s sắp đến hạn (%(due)s).")
        % {"code": item.code, "due": item.due_on.strftime("%d/%m/%Y") if item.due_on else ""}
    ),
    "overdue": lambda item: (
        _("Ý kiến %(code)s đã quá hạn; đề nghị báo cáo cấp trên.") % {"code": item.code}
    ),
    "alarm": lambda item: (
        _(
            "CẢNH BÁO: ý kiến %(code)s đã quá %(days)s ngày kể từ khi tiếp nhận mà chưa được xử lý (%(cite)s)."
        )
        % {
            "code": item.code,
            "days": get_policy().hard_alarm.get("value"),
            "cite": get_policy().hard_alarm.get("cite", ""),
        }
    ),
}


def notify_citizen(*, item: Item, template: str) -> bool:
    """Send through the sender's own contact; the system reads the vault, staff never see it."""
    if (
        item.identity is None
        or not item.identity.wants_notifications
        or not item.identity.has_contact
    ):
        return False
    with translation.override("vi"):
        body = str(CITIZEN_TEMPLATES[template](item))
    contact = unseal(item.identity.ciphertext)
    # An address kept before the forms checked that mail can be sent to it would make
    # send_mail raise: skipped, so that the text message still goes.
    if contact.get("email") and is_deliverable_email(contact["email"]):
        send_mail(f"[{settings.LANGNGHE['SITE_NAME']}] {item.code}", body, None, [contact["email"]])
    if contact.get("phone"):
        get_sms_backend().send(to=contact["phone"], body=body)
    audit_event_record(
        action="identity.used_for_notification",
        obj=item,
        actor_label="system",
        data={"template": template},
    )
    return True


def notify_staff(*, item: Item, template: str, org: Organisation, roles: list[str]) -> int:
    """E-mail the holders of `roles` on `org` or an ancestor (their grants cover it)."""
    paths = [org.path[: i + 6] for i in range(0, len(org.path), 6)]
    user_ids = RoleGrant.objects.filter(organisation__path__in=paths, role__in=roles).values_list(
        "user_id", flat=True
    )
    candidates = get_user_model().objects.filter(pk__in=user_ids, is_active=True).exclude(email="")
    # Only those who may see the item: never the person it concerns, nor the head of the unit
    # it concerns, nor a role that a sealed item does not open to.
    users = [u for u in candidates if can(u, "handling.view_item", item)]
    template_fn = STAFF_TEMPLATES.get(template)
    with translation.override("vi"):
        body = (
            str(template_fn(item))
            if template_fn
            else _("Ý kiến %(code)s có cập nhật.") % {"code": item.code}
        )
    # One address mail cannot be sent to would stop the mail to all of them.
    emails = [u.email for u in users if is_deliverable_email(u.email)]
    if emails:
        send_mail(f"[{settings.LANGNGHE['SITE_NAME']}] {item.code}", body, None, emails)
    return len(emails)
