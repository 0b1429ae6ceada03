"""Recovery codes for staff two-factor authentication.

The TOTP device itself is django-otp's `TOTPDevice`. Recovery codes are not django-otp's
`StaticToken` (which stores the codes in clear): a stolen database dump must not hand out working
codes, so only a keyed hash (HMAC with SECRET_KEY, which lives outside the database) is kept.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RecoveryCode(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="recovery_codes",
        verbose_name=_("tài khoản"),
    )
    code_hash = models.CharField(_("mã băm"), max_length=64)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    used_at = models.DateTimeField(_("dùng lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("mã dự phòng")
        verbose_name_plural = _("mã dự phòng")
        ordering = ["user_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "code_hash"], name="recoverycode_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {'used' if self.used_at else 'unused'}"
