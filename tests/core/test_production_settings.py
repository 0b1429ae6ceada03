"""H3: the production settings behind the documented TLS proxy, and the notification back-ends
that must not run in a deployment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core import checks
from django.test import Client, override_settings

from langnghe.notify.backends import BaseSMSBackend
from langnghe.notify.checks import check_notification_backends, notification_problems

BASE_DIR = Path(__file__).resolve().parent.parent.parent
HOST = "gopy.example.vn"
SECRET = "p9Xz-production-test-secret-key-4f7a1c2e9b0d6f3a8c5e1b7d2f9a4c6e0b3d"
SMTP = {
    "EMAIL_HOST": "smtp.example.vn",
    "EMAIL_PORT": "587",
    "EMAIL_HOST_USER": "langnghe",
    "EMAIL_HOST_PASSWORD": "smtp-password",
    "EMAIL_USE_TLS": "1",
    "DEFAULT_FROM_EMAIL": "Lắng Nghe <no-reply@example.vn>",
}
GATEWAY = f"{__name__}.GatewaySMSBackend"


class GatewaySMSBackend(BaseSMSBackend):
    """Stands for a deployment's own SMS gateway back-end."""

    def send(self, *, to: str, body: str) -> None:  # pragma: no cover - never sends in tests
        raise AssertionError("no SMS in tests")


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("LANGNGHE_", "EMAIL_", "CSRF_", "DJANGO_"))
        and k not in ("ALLOWED_HOSTS", "SECRET_KEY", "DEFAULT_FROM_EMAIL")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        LANGNGHE_DATA_DIR=str(tmp_path),
        SECRET_KEY=SECRET,
        ALLOWED_HOSTS=f"{HOST},.langnghe.example.vn",
    )
    env.update(extra)
    return env


PRINT_SETTINGS = """
import json
from django.conf import settings
names = ["SECURE_PROXY_SSL_HEADER", "CSRF_TRUSTED_ORIGINS", "USE_X_FORWARDED_HOST",
         "SECURE_SSL_REDIRECT", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_SECURE", "ALLOWED_HOSTS",
         "EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD",
         "EMAIL_USE_TLS", "EMAIL_USE_SSL", "DEFAULT_FROM_EMAIL"]
values = {name: getattr(settings, name, None) for name in names}
for key in ("SMS_BACKEND", "VAULT_CREATE_KEY", "ALLOW_FILE_NOTIFICATIONS"):
    values[key] = settings.LANGNGHE.get(key)
print(json.dumps(values))
"""


def production_settings(tmp_path: Path, **extra: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=BASE_DIR,
        env=_env(tmp_path, **extra),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout)


def check_deploy(tmp_path: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "manage.py",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
            "--settings=config.settings.production",
        ],
        cwd=BASE_DIR,
        env=_env(tmp_path, **extra),
        capture_output=True,
        text=True,
        timeout=120,
    )


# --- the values, as a deployment loads them -----------------------------------------------------


def test_proxy_and_csrf_defaults(tmp_path):
    values = production_settings(tmp_path)
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["CSRF_TRUSTED_ORIGINS"] == [f"https://{HOST}", "https://*.langnghe.example.vn"]
    assert values["USE_X_FORWARDED_HOST"] is False
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["CSRF_COOKIE_SECURE"] is True and values["SESSION_COOKIE_SECURE"] is True
    assert values["VAULT_CREATE_KEY"] is False  # M9: a missing key file is an error
    assert values["ALLOW_FILE_NOTIFICATIONS"] is False


def test_proxy_settings_follow_the_environment(tmp_path):
    values = production_settings(
        tmp_path,
        LANGNGHE_USE_X_FORWARDED_HOST="1",
        CSRF_TRUSTED_ORIGINS=f"https://{HOST}:8443, https://phananh.example.vn",
    )
    assert values["USE_X_FORWARDED_HOST"] is True
    assert values["CSRF_TRUSTED_ORIGINS"] == [f"https://{HOST}:8443", "https://phananh.example.vn"]

    direct = production_settings(
        tmp_path, LANGNGHE_BEHIND_PROXY="0", LANGNGHE_USE_X_FORWARDED_HOST="1"
    )
    assert direct["SECURE_PROXY_SSL_HEADER"] is None
    assert direct["USE_X_FORWARDED_HOST"] is False


def test_smtp_and_sms_come_from_the_environment(tmp_path):
    values = production_settings(tmp_path, LANGNGHE_SMS_BACKEND=GATEWAY, **SMTP)
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (values["EMAIL_HOST"], values["EMAIL_PORT"]) == ("smtp.example.vn", 587)
    assert (values["EMAIL_HOST_USER"], values["EMAIL_HOST_PASSWORD"]) == (
        "langnghe",
        "smtp-password",
    )
    assert values["EMAIL_USE_TLS"] is True and values["EMAIL_USE_SSL"] is False
    assert values["DEFAULT_FROM_EMAIL"] == SMTP["DEFAULT_FROM_EMAIL"]
    assert values["SMS_BACKEND"] == GATEWAY

    implicit_tls = production_settings(tmp_path, EMAIL_HOST="smtp.example.vn", EMAIL_USE_SSL="1")
    assert implicit_tls["EMAIL_USE_SSL"] is True and implicit_tls["EMAIL_USE_TLS"] is False


def test_without_smtp_the_file_backends_remain(tmp_path):
    values = production_settings(tmp_path)
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend"
    assert values["SMS_BACKEND"] == "langnghe.notify.backends.FileSMSBackend"


# --- manage.py check --deploy -------------------------------------------------------------------


def test_check_deploy_is_clean_when_configured(tmp_path):
    done = check_deploy(tmp_path, LANGNGHE_SMS_BACKEND=GATEWAY, **SMTP)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_check_deploy_refuses_the_file_backends(tmp_path):
    done = check_deploy(tmp_path)
    assert done.returncode != 0
    assert "notify.E002" in done.stderr and "notify.E006" in done.stderr
    assert "LANGNGHE_ALLOW_FILE_NOTIFICATIONS" in done.stderr

    allowed = check_deploy(tmp_path, LANGNGHE_ALLOW_FILE_NOTIFICATIONS="1")
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr


# --- the checks in process ----------------------------------------------------------------------


def _langnghe(**overrides):
    return {**settings.LANGNGHE, **overrides}


@override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend")
def test_notification_problems():
    with override_settings(LANGNGHE=_langnghe(SMS_BACKEND=GATEWAY)):
        assert notification_problems() == []
    with override_settings(
        LANGNGHE=_langnghe(SMS_BACKEND="langnghe.notify.backends.FileSMSBackend")
    ):
        assert [i for i, _ in notification_problems()] == ["notify.E006"]
    with override_settings(
        LANGNGHE=_langnghe(SMS_BACKEND="langnghe.notify.backends.ConsoleSMSBackend"),
        EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
    ):
        assert [i for i, _ in notification_problems()] == ["notify.E002", "notify.E006"]
    with override_settings(
        LANGNGHE=_langnghe(
            SMS_BACKEND="langnghe.notify.backends.FileSMSBackend", ALLOW_FILE_NOTIFICATIONS=True
        ),
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
    ):
        assert notification_problems() == []
    with override_settings(LANGNGHE=_langnghe(SMS_BACKEND="nowhere.SMSBackend")):
        assert [i for i, _ in notification_problems()] == ["notify.E004"]
    with override_settings(LANGNGHE=_langnghe(SMS_BACKEND="langnghe.notify.backends.uuid")):
        assert [i for i, _ in notification_problems()] == ["notify.E005"]


@override_settings(
    EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
    EMAIL_HOST="smtp.example.vn",
    EMAIL_USE_TLS=False,
    EMAIL_USE_SSL=False,
)
def test_smtp_without_tls_is_a_deployment_warning():
    with override_settings(LANGNGHE=_langnghe(SMS_BACKEND=GATEWAY)):
        messages = check_notification_backends()
    assert [(m.id, m.level) for m in messages] == [("notify.W001", checks.WARNING)]


def test_the_check_is_registered_for_deployments_only():
    registered = checks.registry.registry.get_checks(include_deployment_checks=True)
    assert check_notification_backends in registered
    assert check_notification_backends not in checks.registry.registry.get_checks()


@pytest.mark.django_db
def test_healthz_reports_misconfigured_notifications(client):
    assert client.get("/healthz").json()["notifications"] == "ok"
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        LANGNGHE=_langnghe(ALLOW_FILE_NOTIFICATIONS=False),
    ):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["notifications"] == "misconfigured"
    assert response.json()["status"] == "error"


# --- a POST through the proxy -------------------------------------------------------------------


@pytest.fixture(scope="module")
def deployed(tmp_path_factory):
    """The proxy, TLS and CSRF settings exactly as the production module computes them."""
    values = production_settings(tmp_path_factory.mktemp("production"))
    return {
        "SECURE_PROXY_SSL_HEADER": tuple(values["SECURE_PROXY_SSL_HEADER"]),
        "CSRF_TRUSTED_ORIGINS": values["CSRF_TRUSTED_ORIGINS"],
        "USE_X_FORWARDED_HOST": values["USE_X_FORWARDED_HOST"],
        "SECURE_SSL_REDIRECT": values["SECURE_SSL_REDIRECT"],
        "CSRF_COOKIE_SECURE": values["CSRF_COOKIE_SECURE"],
        "SESSION_COOKIE_SECURE": values["SESSION_COOKIE_SECURE"],
        "ALLOWED_HOSTS": values["ALLOWED_HOSTS"],
    }


PROXIED = {"HTTP_HOST": HOST, "HTTP_X_FORWARDED_PROTO": "https"}
TRACK = {"code": "26-ABCDEF", "secret": "khong-dung"}


def _post_track(csrf_client: Client, **headers: str):
    page = csrf_client.get("/tra-cuu/", **PROXIED)
    assert page.status_code == 200, page.status_code
    cookie = csrf_client.cookies[settings.CSRF_COOKIE_NAME]
    assert cookie["secure"]  # set for HTTPS only
    extra = {
        **PROXIED,
        "HTTP_ORIGIN": f"https://{HOST}",
        "HTTP_REFERER": f"https://{HOST}/tra-cuu/",
        **headers,
    }
    return csrf_client.post("/tra-cuu/", {**TRACK, "csrfmiddlewaretoken": cookie.value}, **extra)


@pytest.mark.django_db
def test_post_through_the_proxy_passes_the_csrf_check(deployed):
    with override_settings(**deployed):
        response = _post_track(Client(enforce_csrf_checks=True))
    assert response.status_code == 200  # the form again ("not found"), not 403
    assert response.context["form"].errors


@pytest.mark.django_db
def test_post_from_another_origin_is_still_refused(deployed):
    with override_settings(**deployed):
        response = _post_track(
            Client(enforce_csrf_checks=True), HTTP_ORIGIN="https://evil.example.com"
        )
    assert response.status_code == 403


@pytest.mark.django_db
def test_without_the_proxy_header_setting_https_loops(deployed):
    """What the review found: X-Forwarded-Proto ignored, so the HTTPS request is redirected to
    HTTPS again."""
    with override_settings(**{**deployed, "SECURE_PROXY_SSL_HEADER": None}):
        response = Client().get("/tra-cuu/", **PROXIED)
    assert response.status_code == 301 and response["Location"] == f"https://{HOST}/tra-cuu/"


@pytest.mark.django_db
def test_the_settings_before_the_fix_refused_the_post(deployed):
    """Control: neither the proxy header nor trusted origins (and the redirect off to get that
    far) is the 403 "Origin checking failed" of the review."""
    before = {
        **deployed,
        "SECURE_PROXY_SSL_HEADER": None,
        "CSRF_TRUSTED_ORIGINS": [],
        "SECURE_SSL_REDIRECT": False,
    }
    with override_settings(**before):
        response = _post_track(Client(enforce_csrf_checks=True))
    assert response.status_code == 403
