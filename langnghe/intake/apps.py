from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "langnghe.intake"
    label = "intake"
    verbose_name = "Tiếp nhận"
