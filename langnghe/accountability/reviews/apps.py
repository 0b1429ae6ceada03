"""Self-criticism reviews (kiểm điểm), review suggestions and quality grading (QĐ 366-QĐ/TW)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "langnghe.accountability.reviews"
    label = "reviews"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Reviews")

    def ready(self) -> None:
        from . import rules  # noqa: F401 — registers the reviews.* permissions
