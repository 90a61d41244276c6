"""The pages every app stands on: sign-in, the health check and the error pages."""

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """SPEC §3: 200 with the state of the database and the task broker; 503 when either is down."""
    from config.celery import app as celery_app

    checks: dict[str, Any] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = {"ok": True, "vendor": connection.vendor}
    except Exception as exc:  # noqa: BLE001 - reported, not raised: this is the health check
        checks["database"] = {"ok": False, "error": exc.__class__.__name__}
    if not settings.CELERY_BROKER_URL:
        checks["broker"] = {"ok": True, "mode": "in-process"}
    else:
        try:
            with celery_app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
                conn.ensure_connection(max_retries=1, timeout=2)
            checks["broker"] = {"ok": True, "mode": "celery"}
        except Exception as exc:  # noqa: BLE001
            checks["broker"] = {"ok": False, "mode": "celery", "error": exc.__class__.__name__}
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "degraded", **checks}, status=200 if healthy else 503
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return render(request, "errors/404.html", status=404)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        detail = str(exception or "") or "You do not have permission to perform this action."
        return JsonResponse({"detail": detail}, status=403)
    # A service's refusal says why (e.g. only an admin may change the account manager).
    return render(request, "errors/403.html", {"reason": str(exception or "")}, status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Server error."}, status=500)
    return render(request, "errors/500.html", status=500)


def privacy_notice(request: HttpRequest) -> HttpResponse:
    """The privacy notice (SPEC §3), public and linked from every public form and email."""
    return render(request, "public/privacy.html", {"contact": settings.DATA_PROTECTION_CONTACT})
