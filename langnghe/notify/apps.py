from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "langnghe.notify"
    label = "notify"
    verbose_name = "Thông báo"
