"""Static files in production (docs/deployment.md §2): `collectstatic` with the production settings
writes hashed and compressed copies, WhiteNoise serves the hashed ones with a far-future
Cache-Control (immutable) and gzip, and every `{% static %}` of the templates is in the manifest
(otherwise the page would fail in production only)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .helpers import BASE_DIR, HOST, production_json

SERVE = r"""
import json
import django
django.setup()
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.test import Client

call_command("collectstatic", interactive=False, verbosity=0)
client = Client(HTTP_HOST="__HOST__")
hashed = staticfiles_storage.url("css/app.css")
plain = client.get("/static/css/app.css")
full = client.get(hashed)
gzipped = client.get(hashed, HTTP_ACCEPT_ENCODING="gzip, br")
body = b"".join(full.streaming_content)
source = (settings.BASE_DIR / "static" / "css" / "app.css").read_bytes()
print(json.dumps({
    "backend": type(staticfiles_storage._wrapped).__name__,
    "hashed": hashed,
    "status": full.status_code,
    "cache_control": full.get("Cache-Control"),
    "same_bytes": body == source,
    "gzip_encoding": gzipped.get("Content-Encoding"),
    "plain_status": plain.status_code,
    "plain_cache_control": plain.get("Cache-Control"),
    "manifest": sorted(json.loads(
        (settings.STATIC_ROOT / "staticfiles.json").read_text())["paths"]),
    "static_root": str(settings.STATIC_ROOT),
}))
""".replace("__HOST__", HOST)

STATIC_TAG = re.compile(r"""{%\s*static\s+['"]([^'"]+)['"]""")


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> dict:
    return production_json(tmp_path_factory.mktemp("static"), SERVE, LANGNGHE_SSL_REDIRECT="0")


def test_collectstatic_writes_hashed_and_compressed_files(served):
    assert served["backend"] == "CompressedManifestStaticFilesStorage"
    assert re.fullmatch(r"/static/css/app\.[0-9a-f]{12}\.css", served["hashed"])
    root = Path(served["static_root"])
    assert (root / served["hashed"].removeprefix("/static/")).exists()
    assert (root / (served["hashed"].removeprefix("/static/") + ".gz")).exists()


def test_hashed_files_are_served_with_a_far_future_immutable_cache(served):
    assert served["status"] == 200
    assert served["same_bytes"]
    cache_control = served["cache_control"]
    assert "immutable" in cache_control and "public" in cache_control
    assert int(re.search(r"max-age=(\d+)", cache_control).group(1)) >= 365 * 24 * 3600
    assert served["gzip_encoding"] == "gzip"


def test_unhashed_names_get_a_short_cache(served):
    assert served["plain_status"] == 200
    assert served["plain_cache_control"] == "max-age=3600, public"


def test_every_static_file_the_templates_name_is_in_the_manifest(served):
    """With the manifest storage an unknown name raises at render time (a 500 in production
    only, since the tests serve from the finders)."""
    manifest = set(served["manifest"])
    template_dirs = [BASE_DIR / "templates", *sorted((BASE_DIR / "langnghe").glob("*/templates"))]
    named: dict[str, str] = {}
    for directory in template_dirs:
        for template in directory.rglob("*.html"):
            for name in STATIC_TAG.findall(template.read_text(encoding="utf-8")):
                named.setdefault(name, str(template.relative_to(BASE_DIR)))
    assert len(named) >= 5
    missing = {name: where for name, where in named.items() if name not in manifest}
    assert missing == {}
