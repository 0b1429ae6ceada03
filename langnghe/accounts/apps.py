from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Staff accounts: two-factor authentication, login throttling, session expiry."""

    name = "langnghe.accounts"
    label = "accounts"
    verbose_name = _("Tài khoản cán bộ")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .sessions import mark_login

        user_logged_in.connect(mark_login, dispatch_uid="langnghe.accounts.mark_login")
