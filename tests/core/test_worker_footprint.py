"""What a web worker loads (docs/performance.md, memory): the libraries that only an export, a
report, a 2FA set-up page or an S3 deployment needs are imported by those, not at start-up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Each of these costs 10–35 MB of resident memory in every web worker that imports it.
LOADED_ON_DEMAND = ("openpyxl", "docx", "boto3", "botocore", "storages.backends.s3", "segno")

PROBE = """
import json, sys
from config.wsgi import application  # noqa: F401  (django.setup(), as the server does)
from django.urls import get_resolver
get_resolver().url_patterns  # every app's URLconf, views and forms
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in {%s} or m in {%s})))
"""


def _loaded(tmp_path: Path, settings_module: str, extra: dict[str, str] | None = None) -> list[str]:
    tops = {name.split(".")[0] for name in LOADED_ON_DEMAND}
    code = PROBE % (", ".join(map(repr, tops)), ", ".join(map(repr, LOADED_ON_DEMAND)))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LANGNGHE_", "DATABASE_URL"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": settings_module,
            "LANGNGHE_DATA_DIR": str(tmp_path),
            "PYTHONPATH": str(ROOT),
            **(extra or {}),
        }
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return list(json.loads(out.stdout.strip().splitlines()[-1]))


def test_a_web_worker_does_not_load_what_only_exports_reports_and_s3_need(tmp_path):
    assert _loaded(tmp_path, "config.settings.dev") == []


def test_the_s3_storages_are_still_reachable_by_their_documented_names():
    pytest.importorskip("storages.backends.s3")
    from langnghe.core import storage

    assert storage.PrivateS3Storage.__name__ == "PrivateS3Storage"
    assert issubclass(storage.SealedS3Storage, storage.PrivateS3Storage)
    assert storage.SealedS3Storage.__module__ == "langnghe.core.storage_s3"
    with pytest.raises(AttributeError):
        _ = storage.NoSuchStorage
