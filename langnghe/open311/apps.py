from django.apps import AppConfig


class Open311Config(AppConfig):
    name = "langnghe.open311"
    default_auto_field = "django.db.models.BigAutoField"
