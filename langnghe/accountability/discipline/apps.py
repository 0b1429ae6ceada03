from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisciplineConfig(AppConfig):
    name = "langnghe.accountability.discipline"
    label = "discipline"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Discipline")

    def ready(self) -> None:
        from . import rules  # noqa: F401 — registers the discipline.* permissions
