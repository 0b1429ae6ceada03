from django.apps import AppConfig


class BoxesConfig(AppConfig):
    name = "langnghe.boxes"
    default_auto_field = "django.db.models.BigAutoField"
