from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Database and task-queue checks (DESIGN.md §5)."""
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
        from django_tasks import default_task_backend

        checks["tasks_backend"] = type(default_task_backend).__name__
        if hasattr(default_task_backend, "supports_get_result"):
            from django_tasks_db.models import DBTaskResult

            if "Database" in checks["tasks_backend"]:
                checks["tasks_pending"] = str(DBTaskResult.objects.filter(status="READY").count())
        checks["tasks"] = "ok"
    except Exception as exc:
        checks["tasks"] = f"error: {type(exc).__name__}"
        status = 503
    return JsonResponse({"status": "ok" if status == 200 else "error", **checks}, status=status)
