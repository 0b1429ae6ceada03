from django.apps import AppConfig


class HandlingConfig(AppConfig):
    name = "langnghe.handling"
    label = "handling"
    verbose_name = "Xử lý"
