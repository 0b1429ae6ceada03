"""Past one machine: the switches, each turned on from the environment (docs/deployment.md).

Imported by production.py. Without any of these variables a deployment is the one-machine one of
docs/operations.md (with hashed, compressed static files and the database as session store).

| switch | variables | what it sets |
|---|---|---|
| read replicas | DATABASE_REPLICA_URLS | DATABASES["replica_N"], DATABASE_ROUTERS |
| object storage | LANGNGHE_S3_BUCKET, LANGNGHE_S3_SEALED_BUCKET, LANGNGHE_S3_ENDPOINT_URL … | STORAGES |
| Redis task queue | LANGNGHE_TASKS_BACKEND=rq, REDIS_URL | TASKS, RQ_QUEUES, INSTALLED_APPS |
| shared cache | CACHE_URL (else REDIS_URL) | CACHES |

Every builder below is a pure function of an environment mapping, so the tests call them with
the values a deployment would set.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from dj_database_url import DBConfig
from django.core.exceptions import ImproperlyConfigured

from .base import DATABASES as _BASE_DATABASES
from .base import INSTALLED_APPS as _BASE_INSTALLED_APPS
from .base import MEDIA_ROOT, SEALED_ROOT

__all__ = [
    "CACHES",
    "DATABASES",
    "DATABASE_ROUTERS",
    "INSTALLED_APPS",
    "RQ_QUEUES",
    "SESSION_ENGINE",
    "STORAGES",
    "TASKS",
    "WHITENOISE_MAX_AGE",
]

Env = Mapping[str, str]

ROUTER = "langnghe.core.db_routers.ReplicaRouter"
RQ_BACKEND = "django_tasks_rq.RQBackend"
DB_BACKEND = "django_tasks_db.DatabaseBackend"
# Every queue the project's tasks use (django_tasks' default queue only, today).
TASK_QUEUES = ("default",)


def _get(env: Env, name: str) -> str:
    return (env.get(name) or "").strip()


# --- 1. read replicas --------------------------------------------------------------------------


def replica_databases(env: Env, default: Mapping[str, Any]) -> dict[str, DBConfig]:
    """``replica_1`` … for each URL of DATABASE_REPLICA_URLS (comma-separated), same engine as
    ``default``. In a test run they mirror ``default`` (no second test database)."""
    urls = [u.strip() for u in _get(env, "DATABASE_REPLICA_URLS").split(",") if u.strip()]
    replicas: dict[str, DBConfig] = {}
    for number, url in enumerate(urls, start=1):
        config = dj_database_url.parse(url, conn_max_age=int(default.get("CONN_MAX_AGE") or 0))
        if config["ENGINE"] != default["ENGINE"]:
            raise ImproperlyConfigured(
                f"DATABASE_REPLICA_URLS: replica {number} uses {config['ENGINE']}, "
                f"the primary {default['ENGINE']}"
            )
        if config["ENGINE"] == "django.db.backends.sqlite3":
            config["OPTIONS"] = {"init_command": "PRAGMA busy_timeout=10000;", "timeout": 20}
        # A replica is restarted or failed over on its own: check a kept connection first.
        config["CONN_HEALTH_CHECKS"] = True
        config["TEST"] = {"MIRROR": "default"}
        replicas[f"replica_{number}"] = config
    return replicas


# --- 2. object storage -------------------------------------------------------------------------


def storages_config(env: Env, *, media_root: Path, sealed_root: Path) -> dict[str, Any]:
    """Attachments (``default``) and sealed originals (``sealed``) on disk, or in private
    S3-compatible buckets with LANGNGHE_S3_BUCKET; static files hashed and compressed."""
    static = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
    bucket = _get(env, "LANGNGHE_S3_BUCKET")
    if not bucket:
        return {
            "default": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(media_root)},
            },
            "sealed": {
                "BACKEND": "langnghe.core.storage.SealedFileSystemStorage",
                "OPTIONS": {"location": str(sealed_root)},
            },
            "staticfiles": static,
        }
    common: dict[str, Any] = {}
    for option, name in (
        ("endpoint_url", "LANGNGHE_S3_ENDPOINT_URL"),
        ("region_name", "LANGNGHE_S3_REGION"),
        ("access_key", "LANGNGHE_S3_ACCESS_KEY_ID"),
        ("secret_key", "LANGNGHE_S3_SECRET_ACCESS_KEY"),
        ("addressing_style", "LANGNGHE_S3_ADDRESSING_STYLE"),
    ):
        if _get(env, name):
            common[option] = _get(env, name)
    # Without keys in the environment boto3 finds its own (AWS_* variables, an instance role).
    if bool(common.get("access_key")) != bool(common.get("secret_key")):
        raise ImproperlyConfigured(
            "LANGNGHE_S3_ACCESS_KEY_ID and LANGNGHE_S3_SECRET_ACCESS_KEY go together"
        )
    media: dict[str, Any] = {
        **common,
        "bucket_name": bucket,
        "location": _get(env, "LANGNGHE_S3_MEDIA_PREFIX") or "media",
        "querystring_expire": int(_get(env, "LANGNGHE_S3_URL_EXPIRE") or "300"),
    }
    if _get(env, "LANGNGHE_S3_CUSTOM_DOMAIN"):
        media["custom_domain"] = _get(env, "LANGNGHE_S3_CUSTOM_DOMAIN")
    sealed_bucket = _get(env, "LANGNGHE_S3_SEALED_BUCKET") or bucket
    sealed: dict[str, Any] = {
        **common,
        "bucket_name": sealed_bucket,
        "location": _get(env, "LANGNGHE_S3_SEALED_PREFIX") or "sealed",
    }
    if sealed_bucket == bucket and sealed["location"] == media["location"]:
        raise ImproperlyConfigured(
            "LANGNGHE_S3_SEALED_PREFIX must differ from LANGNGHE_S3_MEDIA_PREFIX in one bucket"
        )
    return {
        "default": {"BACKEND": "langnghe.core.storage.PrivateS3Storage", "OPTIONS": media},
        "sealed": {"BACKEND": "langnghe.core.storage.SealedS3Storage", "OPTIONS": sealed},
        "staticfiles": static,
    }


# --- 3. the task queue -------------------------------------------------------------------------


def tasks_config(env: Env) -> dict[str, Any]:
    """TASKS, RQ_QUEUES and the extra apps: the database queue (default) or Redis with RQ."""
    backend = _get(env, "LANGNGHE_TASKS_BACKEND").lower() or "database"
    if backend in ("database", "db"):
        return {"TASKS": {"default": {"BACKEND": DB_BACKEND}}, "RQ_QUEUES": {}, "APPS": []}
    if backend != "rq":
        raise ImproperlyConfigured(
            f"LANGNGHE_TASKS_BACKEND must be 'database' or 'rq', not {backend!r}"
        )
    redis_url = _get(env, "REDIS_URL")
    if not redis_url:
        raise ImproperlyConfigured("LANGNGHE_TASKS_BACKEND=rq needs REDIS_URL")
    timeout = int(_get(env, "LANGNGHE_RQ_TIMEOUT") or "900")
    return {
        "TASKS": {"default": {"BACKEND": RQ_BACKEND, "QUEUES": list(TASK_QUEUES)}},
        "RQ_QUEUES": {name: {"URL": redis_url, "DEFAULT_TIMEOUT": timeout} for name in TASK_QUEUES},
        "APPS": ["django_rq"],
    }


# --- 4. the shared cache -----------------------------------------------------------------------


def caches_config(env: Env) -> dict[str, Any]:
    """Redis (CACHE_URL, else REDIS_URL) shared by every app node, else each process's memory."""
    url = _get(env, "CACHE_URL") or _get(env, "REDIS_URL")
    if not url or url.startswith("locmem:"):
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    scheme = urlsplit(url).scheme
    if scheme not in ("redis", "rediss", "unix"):
        raise ImproperlyConfigured(f"CACHE_URL: redis://, rediss:// or unix:// URL, not {scheme!r}")
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": _get(env, "LANGNGHE_CACHE_PREFIX") or "langnghe",
            "TIMEOUT": 300,
        }
    }


# --- the settings ------------------------------------------------------------------------------

_replicas = replica_databases(os.environ, _BASE_DATABASES["default"])
DATABASES = {**_BASE_DATABASES, **_replicas}
DATABASE_ROUTERS = [ROUTER] if _replicas else []

STORAGES = storages_config(os.environ, media_root=Path(MEDIA_ROOT), sealed_root=Path(SEALED_ROOT))

_tasks = tasks_config(os.environ)
TASKS = _tasks["TASKS"]
RQ_QUEUES = _tasks["RQ_QUEUES"]
INSTALLED_APPS = [*_BASE_INSTALLED_APPS, *_tasks["APPS"]]

CACHES = caches_config(os.environ)
# Sessions live in the database, which every node shares: no sticky sessions at the balancer.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Hashed static files are cached for ten years by the browsers (WhiteNoise marks them immutable);
# the others (favicon, robots.txt) for an hour.
WHITENOISE_MAX_AGE = 3600
