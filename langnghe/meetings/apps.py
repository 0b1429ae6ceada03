from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "langnghe.meetings"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Hội nghị, đối thoại với Nhân dân")

    def ready(self) -> None:
        from . import rules  # noqa: F401  (registers the named permissions)
