from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceptionConfig(AppConfig):
    name = "langnghe.reception"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Tiếp công dân")

    def ready(self) -> None:
        from . import rules  # noqa: F401 — registers the reception.* permissions
