from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "langnghe.accountability.inspections"
    label = "inspections"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Inspections")
