from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "langnghe.imports"
    default_auto_field = "django.db.models.BigAutoField"
