from django.apps import AppConfig


class Open311Config(AppConfig):
    name = "langnghe.open311"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from langnghe.core.middleware import ERROR_SHAPES

        from .views import spec_error

        ERROR_SHAPES["/open311/"] = lambda request, exc: spec_error(
            "xml" if request.path.endswith(".xml") else "json", exc.http_status, str(exc.message)
        )
