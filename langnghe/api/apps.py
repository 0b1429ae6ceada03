from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "langnghe.api"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.http import JsonResponse

        from langnghe.core.middleware import ERROR_SHAPES

        from .exceptions import error_body

        ERROR_SHAPES["/api/"] = lambda request, exc: JsonResponse(
            error_body(exc.code, str(exc.message)), status=exc.http_status
        )
