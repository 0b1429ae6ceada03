from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "langnghe.disclosure"
    default_auto_field = "django.db.models.BigAutoField"
