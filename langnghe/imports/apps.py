from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "langnghe.imports"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Nhập dữ liệu")

    def ready(self) -> None:
        from . import rules  # noqa: F401 — registers imports.run
