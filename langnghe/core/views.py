from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Database, task-queue and notification back-end checks (DESIGN.md §5)."""
    checks: dict[str, str] = {}
    status = 200
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # report, never raise
        checks["database"] = f"error: {type(exc).__name__}"
        status = 503
    try:
        from django_tasks import task_backends

        backend = task_backends["default"]
        checks["tasks_backend"] = type(backend).__name__
        if backend.supports_get_result and type(backend).__module__.startswith("django_tasks_db"):
            from django_tasks_db.models import DBTaskResult

            # Tasks due but not picked up: a growing number means no worker is running.
            checks["tasks_waiting"] = str(DBTaskResult.objects.ready().count())
        checks["tasks"] = "ok"
    except Exception as exc:
        checks["tasks"] = f"error: {type(exc).__name__}"
        status = 503
    try:
        from langnghe.notify.checks import notification_problems

        # File/console back-ends write citizens' contact details in clear (docs/operations.md).
        checks["notifications"] = "misconfigured" if notification_problems() else "ok"
    except Exception as exc:
        checks["notifications"] = f"error: {type(exc).__name__}"
    if checks["notifications"] != "ok":
        status = 503
    return JsonResponse({"status": "ok" if status == 200 else "error", **checks}, status=status)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The 404 of a URL no pattern matches: the API's JSON error under /api/ (clients parse it),
    the site's page elsewhere."""
    if request.path.startswith("/api/"):
        from langnghe.api.exceptions import error_body

        return JsonResponse(error_body("not_found", str(_("Không tìm thấy."))), status=404)
    return defaults.page_not_found(request, exception)
