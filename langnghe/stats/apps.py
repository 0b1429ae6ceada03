from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "langnghe.stats"
    default_auto_field = "django.db.models.BigAutoField"
