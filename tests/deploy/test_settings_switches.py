"""Each switch past one machine, from the environment a deployment sets (docs/deployment.md):
the pure builders of config/settings/scale.py, then the production module as it loads."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings import scale

from .helpers import manage, production_json

PRIMARY = {"ENGINE": "django.db.backends.postgresql", "NAME": "langnghe", "CONN_MAX_AGE": 60}
ROOTS = {"media_root": Path("/srv/data/media"), "sealed_root": Path("/srv/data/sealed")}
S3 = {
    "LANGNGHE_S3_BUCKET": "langnghe-media",
    "LANGNGHE_S3_SEALED_BUCKET": "langnghe-sealed",
    "LANGNGHE_S3_ENDPOINT_URL": "https://s3.example.vn",
    "LANGNGHE_S3_REGION": "vn-hn-1",
    "LANGNGHE_S3_ACCESS_KEY_ID": "AKIAEXAMPLE",
    "LANGNGHE_S3_SECRET_ACCESS_KEY": "secret-example",
}


# --- 1. replicas --------------------------------------------------------------------------------


def test_no_replica_urls_means_no_replica():
    assert scale.replica_databases({}, PRIMARY) == {}
    assert scale.replica_databases({"DATABASE_REPLICA_URLS": " , "}, PRIMARY) == {}


def test_replica_urls_become_numbered_aliases_mirroring_default_in_tests():
    replicas = scale.replica_databases(
        {
            "DATABASE_REPLICA_URLS": "postgres://ro:pw@10.0.0.2:5432/langnghe, "
            "postgres://ro:pw@10.0.0.3/langnghe"
        },
        PRIMARY,
    )
    assert list(replicas) == ["replica_1", "replica_2"]
    assert replicas["replica_1"]["HOST"] == "10.0.0.2"
    assert replicas["replica_2"]["HOST"] == "10.0.0.3"
    assert replicas["replica_1"]["USER"] == "ro"
    assert replicas["replica_1"]["CONN_MAX_AGE"] == 60
    assert replicas["replica_1"]["CONN_HEALTH_CHECKS"] is True
    assert all(r["TEST"] == {"MIRROR": "default"} for r in replicas.values())


def test_a_replica_on_another_engine_is_refused():
    with pytest.raises(ImproperlyConfigured, match="replica 1"):
        scale.replica_databases({"DATABASE_REPLICA_URLS": "sqlite:////tmp/r.sqlite3"}, PRIMARY)


# --- 2. storages --------------------------------------------------------------------------------


def test_without_a_bucket_files_stay_on_disk_and_sealed_apart():
    storages = scale.storages_config({}, **ROOTS)
    assert storages["default"] == {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": "/srv/data/media"},
    }
    assert storages["sealed"]["BACKEND"] == "langnghe.core.storage.SealedFileSystemStorage"
    assert storages["sealed"]["OPTIONS"] == {"location": "/srv/data/sealed"}
    assert (
        storages["staticfiles"]["BACKEND"]
        == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )


def test_a_bucket_puts_media_and_sealed_originals_in_private_storages():
    storages = scale.storages_config(S3, **ROOTS)
    media, sealed = storages["default"], storages["sealed"]
    assert media["BACKEND"] == "langnghe.core.storage.PrivateS3Storage"
    assert sealed["BACKEND"] == "langnghe.core.storage.SealedS3Storage"
    assert media["OPTIONS"]["bucket_name"] == "langnghe-media"
    assert sealed["OPTIONS"]["bucket_name"] == "langnghe-sealed"
    for options in (media["OPTIONS"], sealed["OPTIONS"]):
        assert options["endpoint_url"] == "https://s3.example.vn"
        assert options["region_name"] == "vn-hn-1"
        assert options["access_key"] == "AKIAEXAMPLE"
        assert options["secret_key"] == "secret-example"
    assert media["OPTIONS"]["location"] == "media" and sealed["OPTIONS"]["location"] == "sealed"
    assert media["OPTIONS"]["querystring_expire"] == 300
    assert "custom_domain" not in sealed["OPTIONS"]


def test_one_bucket_two_prefixes_and_the_custom_domain_is_for_media_only():
    env = {
        "LANGNGHE_S3_BUCKET": "langnghe",
        "LANGNGHE_S3_CUSTOM_DOMAIN": "files.example.vn",
    }
    storages = scale.storages_config(env, **ROOTS)
    assert storages["sealed"]["OPTIONS"]["bucket_name"] == "langnghe"
    assert storages["sealed"]["OPTIONS"]["location"] == "sealed"
    assert storages["default"]["OPTIONS"]["custom_domain"] == "files.example.vn"
    assert "custom_domain" not in storages["sealed"]["OPTIONS"]
    # No keys in the environment: boto3 finds its own (instance role, AWS_* variables).
    assert "access_key" not in storages["default"]["OPTIONS"]


def test_sealed_originals_never_share_the_media_prefix():
    env = {"LANGNGHE_S3_BUCKET": "langnghe", "LANGNGHE_S3_SEALED_PREFIX": "media"}
    with pytest.raises(ImproperlyConfigured, match="SEALED_PREFIX"):
        scale.storages_config(env, **ROOTS)


def test_half_a_key_pair_is_refused():
    env = {"LANGNGHE_S3_BUCKET": "b", "LANGNGHE_S3_ACCESS_KEY_ID": "AKIA"}
    with pytest.raises(ImproperlyConfigured, match="go together"):
        scale.storages_config(env, **ROOTS)


# --- 3. tasks -----------------------------------------------------------------------------------


def test_the_database_queue_is_the_default():
    for env in ({}, {"LANGNGHE_TASKS_BACKEND": "database"}, {"LANGNGHE_TASKS_BACKEND": "DB"}):
        config = scale.tasks_config(env)
        assert config["TASKS"] == {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
        assert config["APPS"] == [] and config["RQ_QUEUES"] == {}


def test_rq_needs_redis_and_configures_every_project_queue():
    with pytest.raises(ImproperlyConfigured, match="REDIS_URL"):
        scale.tasks_config({"LANGNGHE_TASKS_BACKEND": "rq"})
    with pytest.raises(ImproperlyConfigured, match="'database' or 'rq'"):
        scale.tasks_config({"LANGNGHE_TASKS_BACKEND": "celery"})
    config = scale.tasks_config(
        {"LANGNGHE_TASKS_BACKEND": "rq", "REDIS_URL": "redis://10.0.0.5:6379/0"}
    )
    assert config["TASKS"] == {
        "default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}
    }
    assert config["RQ_QUEUES"] == {
        "default": {"URL": "redis://10.0.0.5:6379/0", "DEFAULT_TIMEOUT": 900}
    }
    assert config["APPS"] == ["django_rq"]


def test_every_queue_a_project_task_uses_is_a_configured_rq_queue():
    """A task on a queue no worker listens to would wait for ever."""
    from django_tasks.base import Task

    import langnghe.handling.tasks
    import langnghe.notify.tasks

    tasks = [
        value
        for module in (langnghe.handling.tasks, langnghe.notify.tasks)
        for value in vars(module).values()
        if isinstance(value, Task)
    ]
    assert len(tasks) >= 3
    assert {t.queue_name for t in tasks} <= set(scale.TASK_QUEUES)


# --- 4. cache -----------------------------------------------------------------------------------


def test_cache_is_per_process_without_redis():
    assert scale.caches_config({})["default"]["BACKEND"].endswith("LocMemCache")
    assert scale.caches_config({"CACHE_URL": "locmem://"})["default"]["BACKEND"].endswith(
        "LocMemCache"
    )


def test_cache_url_or_redis_url_selects_the_shared_redis_cache():
    cache = scale.caches_config({"CACHE_URL": "redis://10.0.0.6:6379/1"})["default"]
    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["LOCATION"] == "redis://10.0.0.6:6379/1"
    assert cache["KEY_PREFIX"] == "langnghe"
    fallback = scale.caches_config({"REDIS_URL": "redis://10.0.0.5:6379/0"})["default"]
    assert fallback["LOCATION"] == "redis://10.0.0.5:6379/0"
    both = scale.caches_config(
        {"REDIS_URL": "redis://10.0.0.5:6379/0", "CACHE_URL": "rediss://cache.example.vn:6380/2"}
    )
    assert both["default"]["LOCATION"] == "rediss://cache.example.vn:6380/2"
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
        scale.caches_config({"CACHE_URL": "memcached://10.0.0.7:11211"})


# --- the production module with the switches ----------------------------------------------------

PRINT = """
import json
from django.conf import settings
print(json.dumps({
    "databases": {a: {"ENGINE": c["ENGINE"], "HOST": c.get("HOST"), "TEST": c.get("TEST")}
                  for a, c in settings.DATABASES.items()},
    "routers": settings.DATABASE_ROUTERS,
    "storages": settings.STORAGES,
    "tasks": settings.TASKS,
    "rq_queues": settings.RQ_QUEUES,
    "django_rq": "django_rq" in settings.INSTALLED_APPS,
    "caches": settings.CACHES,
    "session_engine": settings.SESSION_ENGINE,
    "whitenoise_max_age": settings.WHITENOISE_MAX_AGE,
}))
"""


def test_production_without_switches_is_one_machine(tmp_path):
    values = production_json(tmp_path, PRINT)
    assert list(values["databases"]) == ["default"]
    assert values["routers"] == []
    assert values["storages"]["default"]["OPTIONS"]["location"] == str(tmp_path / "media")
    assert values["storages"]["sealed"]["OPTIONS"]["location"] == str(tmp_path / "sealed")
    assert values["storages"]["staticfiles"]["BACKEND"].endswith(
        "CompressedManifestStaticFilesStorage"
    )
    assert values["tasks"]["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    assert values["django_rq"] is False
    assert values["caches"]["default"]["BACKEND"].endswith("LocMemCache")
    assert values["session_engine"] == "django.contrib.sessions.backends.db"


def test_production_with_every_switch_on(tmp_path):
    values = production_json(
        tmp_path,
        PRINT,
        DATABASE_URL="postgres://langnghe:pw@10.0.0.1:5432/langnghe",
        DATABASE_REPLICA_URLS="postgres://ro:pw@10.0.0.2:5432/langnghe",
        LANGNGHE_TASKS_BACKEND="rq",
        REDIS_URL="redis://10.0.0.5:6379/0",
        CACHE_URL="redis://10.0.0.6:6379/1",
        **S3,
    )
    assert values["databases"]["replica_1"]["HOST"] == "10.0.0.2"
    assert values["databases"]["replica_1"]["TEST"] == {"MIRROR": "default"}
    assert values["routers"] == ["langnghe.core.db_routers.ReplicaRouter"]
    assert values["storages"]["default"]["BACKEND"] == "langnghe.core.storage.PrivateS3Storage"
    assert values["storages"]["sealed"]["OPTIONS"]["bucket_name"] == "langnghe-sealed"
    assert values["tasks"]["default"]["BACKEND"] == "django_tasks_rq.RQBackend"
    assert values["rq_queues"]["default"]["URL"] == "redis://10.0.0.5:6379/0"
    assert values["django_rq"] is True
    assert values["caches"]["default"]["LOCATION"] == "redis://10.0.0.6:6379/1"


def test_check_deploy_stays_clean_with_every_switch_on(tmp_path):
    """Nothing here connects: the checks of django-tasks-rq (django_rq installed, queues
    configured) and Django's deployment checks run on the settings alone."""
    done = manage(
        tmp_path,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DATABASE_REPLICA_URLS=f"sqlite:///{tmp_path / 'replica.sqlite3'}",
        LANGNGHE_TASKS_BACKEND="rq",
        REDIS_URL="redis://127.0.0.1:6399/0",
        **S3,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_a_wrong_switch_stops_the_start(tmp_path):
    done = manage(tmp_path, "check", LANGNGHE_TASKS_BACKEND="rq")
    assert done.returncode != 0
    assert "LANGNGHE_TASKS_BACKEND=rq needs REDIS_URL" in done.stderr
