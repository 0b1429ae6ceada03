from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "langnghe.search"
    label = "search"
    verbose_name = "Tìm kiếm"
    default_auto_field = "django.db.models.BigAutoField"
