from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "langnghe.disclosure"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import rules  # noqa: F401  (registers the named permissions)
