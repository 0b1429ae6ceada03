from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "langnghe.core"
    label = "core"
    verbose_name = "Lắng Nghe — core"
