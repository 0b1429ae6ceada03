from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpinionConfig(AppConfig):
    name = "langnghe.accountability.opinion"
    label = "opinion"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Opinion")
