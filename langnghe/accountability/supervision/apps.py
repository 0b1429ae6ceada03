from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "langnghe.accountability.supervision"
    label = "supervision"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Supervision")

    def ready(self) -> None:
        from . import rules  # noqa: F401  (registers the named rules)
