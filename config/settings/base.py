"""Settings shared by every environment.

Everything a deployment changes comes from the environment: DATABASE_URL (SQLite under
LANGNGHE_DATA_DIR by default), LANGNGHE_DATA_DIR (./var), LANGNGHE_VAULT_KEY_FILE, SECRET_KEY, the
SMTP server (EMAIL_HOST …) and LANGNGHE_SMS_BACKEND (docs/operations.md §7).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = Path(os.environ.get("LANGNGHE_DATA_DIR", BASE_DIR / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def env_flag(name: str, default: bool = False) -> bool:
    """A yes/no environment variable: 1/true/yes/on, 0/false/no/off; unset or empty → default."""
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    return value in ("1", "true", "yes", "on")


def _secret_from_file(name: str, path: Path) -> str:
    """Read a secret from the environment, else from a file under DATA_DIR, creating it once."""
    value = os.environ.get(name)
    if value:
        return value
    if not path.exists():
        import secrets

        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_from_file("SECRET_KEY", DATA_DIR / "keys" / "secret_key")
DEBUG = False
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rules.apps.AutodiscoverRulesConfig",
    "django_tasks",
    "django_tasks_db",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "langnghe.core",
    "langnghe.orgs",
    "langnghe.intake",
    "langnghe.handling",
    "langnghe.search",
    "langnghe.notify",
    "langnghe.disclosure",
    "langnghe.meetings",
    "langnghe.reception",
    "langnghe.boxes",
    "langnghe.stats",
    "langnghe.reports",
    "langnghe.imports",
    "langnghe.accountability.opinion",
    "langnghe.accountability.reviews",
    "langnghe.accountability.inspections",
    "langnghe.accountability.discipline",
    "langnghe.accountability.supervision",
    "langnghe.api",
    "langnghe.open311",
    "captcha",
    "langnghe.portal",
    "langnghe.backoffice",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "langnghe.accounts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "langnghe.core.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "langnghe.accounts.middleware.StaffSessionMiddleware",
    "langnghe.backoffice.middleware.RoleRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "langnghe.core.middleware.ApplicationErrorMiddleware",
]

# The offline challenge of the submission form (django-simple-captcha): a small sum drawn as an
# image on this server, valid for ten minutes.
CAPTCHA_CHALLENGE_FUNCT = "captcha.helpers.math_challenge"
CAPTCHA_MATH_CHALLENGE_OPERATOR = "x"
CAPTCHA_TIMEOUT = 10
CAPTCHA_FONT_SIZE = 30
CAPTCHA_LETTER_ROTATION = (-15, 15)

# Content-Security-Policy (django-csp) on every response that does not set its own: scripts only
# from this site's static files — no inline script, no event-handler attribute, no eval — and
# nothing from any other origin. Printable pages keep their <style> blocks, hence styles inline.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'langnghe.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed while one writer commits; IMMEDIATE takes the write lock at the
    # start of a transaction so concurrent writers queue (busy timeout) instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = (
        0 if os.environ.get("LANGNGHE_SQLITE_NO_PERSIST") else 600
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
# Sealed originals (identity-bearing uploads) live apart from served media.
SEALED_ROOT = DATA_DIR / "sealed"

LOGIN_URL = "/quan-ly/dang-nhap/"
LOGIN_REDIRECT_URL = "/quan-ly/"
LOGOUT_REDIRECT_URL = "/"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 500

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# E-mail: SMTP when EMAIL_HOST is set, else files under DATA_DIR/mail. The file back-end writes
# citizens' addresses in clear to disk, so the deployment check (langnghe.notify.checks) and
# /healthz refuse it unless LANGNGHE_ALLOW_FILE_NOTIFICATIONS=1; EMAIL_BACKEND overrides both.
EMAIL_HOST = os.environ.get("EMAIL_HOST") or "localhost"
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.filebased.EmailBackend"
)
EMAIL_PORT = int(os.environ.get("EMAIL_PORT") or "587")
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
# Implicit TLS (port 465) with EMAIL_USE_SSL=1; otherwise STARTTLS unless EMAIL_USE_TLS=0.
EMAIL_USE_SSL = env_flag("EMAIL_USE_SSL")
EMAIL_USE_TLS = env_flag("EMAIL_USE_TLS", default=not EMAIL_USE_SSL)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT") or "30")
EMAIL_FILE_PATH = DATA_DIR / "mail"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL") or "Lắng Nghe <no-reply@langnghe.local>"
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LANGNGHE: dict[str, Any] = {
    # The identity vault key lives outside the database (DESIGN.md §4).
    "VAULT_KEY_FILE": Path(
        os.environ.get("LANGNGHE_VAULT_KEY_FILE", DATA_DIR / "keys" / "vault.key")
    ),
    # Keyed hash for receipt secrets.
    "RECEIPT_PEPPER": _secret_from_file(
        "LANGNGHE_RECEIPT_PEPPER", DATA_DIR / "keys" / "receipt_pepper"
    ),
    # Without a key file, make one (development and tests only: elsewhere a missing file is a
    # missing volume, and the vault refuses to work; `vault_rotate --init` makes the first key).
    "VAULT_CREATE_KEY": False,
    # Dotted path of a langnghe.notify.backends.BaseSMSBackend subclass: the deployment's SMS
    # gateway. The default file back-end is for development (see EMAIL_BACKEND above).
    "SMS_BACKEND": os.environ.get("LANGNGHE_SMS_BACKEND")
    or "langnghe.notify.backends.FileSMSBackend",
    "SMS_FILE_PATH": DATA_DIR / "sms",
    # Explicit consent to the file/console e-mail and SMS back-ends outside development.
    "ALLOW_FILE_NOTIFICATIONS": env_flag("LANGNGHE_ALLOW_FILE_NOTIFICATIONS"),
    "MAX_ATTACHMENT_BYTES": 10 * 1024 * 1024,
    "MAX_ATTACHMENTS": 5,
    "SITE_NAME": "Lắng Nghe",
    "DEPLOYMENT_ORG_CODE": os.environ.get("LANGNGHE_ORG", ""),
    "KEEP_IP_ADDRESSES": False,
    # The citizen's form (langnghe.portal.abuse, docs/security.md): per client address and hour,
    # this many submissions go straight through, then a challenge is asked, then the form refuses.
    "SUBMIT_LIMITS": os.environ.get("LANGNGHE_SUBMIT_LIMITS", "on").lower() != "off",
    "SUBMIT_FREE_PER_HOUR": int(os.environ.get("LANGNGHE_SUBMIT_FREE_PER_HOUR", "5")),
    "SUBMIT_MAX_PER_HOUR": int(os.environ.get("LANGNGHE_SUBMIT_MAX_PER_HOUR", "60")),
    "SUBMIT_REPEAT_SECONDS": 3600,  # the same text again within this time is challenged
    # Wrong receipt code/secret pairs per address and hour: then the challenge, then a refusal.
    "TRACK_FREE_FAILURES_PER_HOUR": 5,
    "TRACK_MAX_FAILURES_PER_HOUR": 30,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.request": {"level": "ERROR"}},
}


# --- REST API v1 and its OpenAPI schema (langnghe.api) ----------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Staff: a DRF token or a personal API key; the session serves the browsable docs. Each view
    # names its own authentication and permissions (langnghe.api.views); these are the defaults.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "langnghe.api.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["langnghe.api.permissions.IsStaffActor"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "langnghe.api.exceptions.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # Per client address, for the public endpoints only (langnghe.api.throttling). A commune
    # office's many phones may share one address: the limits stop scripts, not people.
    "DEFAULT_THROTTLE_RATES": {
        "langnghe_public_write": "30/minute",
        "langnghe_public_read": "120/minute",
        # Open311 GeoReport v2: per API key when given, else per address (api.throttling).
        "langnghe_open311_write": "30/minute",
        "langnghe_open311_read": "120/minute",
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Lắng Nghe API",
    "DESCRIPTION": (
        "REST API v1 of Lắng Nghe. Public endpoints: submit an item, track it with its receipt "
        "(code and secret in the request body or in the X-Receipt-Code / X-Receipt-Secret "
        "headers, never in the URL), reply, rate, ask to reopen, read published items. Staff "
        "endpoints (Authorization: Token <token> or Api-Key <key>): inbox, item, workflow "
        'actions, search. Errors: {"error": {"code", "message", "fields"?}}.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "TAGS": [
        {"name": "public", "description": "Không cần đăng nhập / no credentials."},
        {"name": "staff", "description": "Token hoặc khóa API của cán bộ / staff token or key."},
    ],
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from the drf-spectacular-sidecar package: no external asset (Redoc's page loads
    # Google web fonts, so it is not served).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}


# --- Staff accounts: two-factor, throttling, sessions ------------------------------------------
# (langnghe.accounts; docs/security.md §5–7)
# Roles that must use two-factor authentication (TOTP): a comma-separated list of role codes,
# e.g. "admin,leader,inspector" ("admin" also covers superusers). Empty (the default) = nobody is
# forced; any staff member may still enrol at /quan-ly/tai-khoan/xac-thuc-hai-buoc/.
LANGNGHE_REQUIRE_2FA_ROLES = [
    r.strip() for r in os.environ.get("LANGNGHE_REQUIRE_2FA_ROLES", "").split(",") if r.strip()
]
OTP_TOTP_ISSUER = "Lắng Nghe"
OTP_TOTP_THROTTLE_FACTOR = 1
# Failed logins (password or code): per username, then per client address (a commune office
# shares one address, hence the higher limit). Counted in the cache only; the lock doubles at
# each repeat within a day.
LANGNGHE_LOGIN_MAX_FAILURES = int(os.environ.get("LANGNGHE_LOGIN_MAX_FAILURES") or "5")
LANGNGHE_LOGIN_IP_MAX_FAILURES = int(os.environ.get("LANGNGHE_LOGIN_IP_MAX_FAILURES") or "30")
LANGNGHE_LOGIN_LOCKOUT_SECONDS = int(os.environ.get("LANGNGHE_LOGIN_LOCKOUT_SECONDS") or "900")
# The cache alias holding the counts: with several web processes, one they share (docs/security.md
# §6); Django's default local-memory cache counts per process.
LANGNGHE_THROTTLE_CACHE = os.environ.get("LANGNGHE_THROTTLE_CACHE") or "default"
# Staff sessions end after this much inactivity; SESSION_COOKIE_AGE (above) is the absolute
# limit, counted from the login.
LANGNGHE_SESSION_IDLE_SECONDS = int(os.environ.get("LANGNGHE_SESSION_IDLE_SECONDS") or "1800")
