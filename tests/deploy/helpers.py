"""Run a snippet under config.settings.production with a deployment's environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent.parent
SECRET = "p9Xz-deploy-test-secret-key-4f7a1c2e9b0d6f3a8c5e1b7d2f9a4c6e0b3d-scale"
HOST = "gopy.example.vn"
CONFIGURED = {
    "EMAIL_HOST": "smtp.example.vn",
    "EMAIL_HOST_USER": "langnghe",
    "EMAIL_HOST_PASSWORD": "smtp-password",
    "LANGNGHE_SMS_BACKEND": "tests.core.test_production_settings.GatewaySMSBackend",
}
SWITCH_PREFIXES = ("LANGNGHE_", "EMAIL_", "CSRF_", "DJANGO_", "DATABASE_", "REDIS_", "CACHE_")


def production_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(SWITCH_PREFIXES)
        and k not in ("ALLOWED_HOSTS", "SECRET_KEY", "DEFAULT_FROM_EMAIL")
        and not k.startswith("AWS_")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        LANGNGHE_DATA_DIR=str(data_dir),
        SECRET_KEY=SECRET,
        ALLOWED_HOSTS=HOST,
        **CONFIGURED,
    )
    env.update(extra)
    return env


def run_production(
    data_dir: Path, code: str, *, timeout: int = 300, **extra: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=production_env(data_dir, **extra),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def production_json(data_dir: Path, code: str, **extra: str) -> Any:
    """`code` prints one JSON document as its last line."""
    done = run_production(data_dir, code, **extra)
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def manage(data_dir: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args, "--settings=config.settings.production"],
        cwd=BASE_DIR,
        env=production_env(data_dir, **extra),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
