from django.apps import AppConfig


class ReceptionConfig(AppConfig):
    name = "langnghe.reception"
    default_auto_field = "django.db.models.BigAutoField"
