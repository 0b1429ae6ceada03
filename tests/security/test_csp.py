"""Content-Security-Policy: scripts only from this site's static files (ASVS 14.4.3). The header is
on every page, and no template carries an inline script or an event-handler attribute that the
policy would block (or that an injection could imitate)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
HANDLER_ATTRIBUTE = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
JS_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']\s*javascript:""", re.IGNORECASE)


def _templates() -> list[Path]:
    roots = [ROOT / "templates", *(ROOT / "langnghe").glob("**/templates")]
    return sorted({p for root in roots for p in root.glob("**/*.html")})


def _directives(header: str) -> dict[str, list[str]]:
    parts = (p.strip().split() for p in header.split(";") if p.strip())
    return {p[0]: p[1:] for p in parts}


def test_no_template_has_an_inline_script_or_handler():
    templates = _templates()
    assert len(templates) > 100  # the scan sees the project's templates
    offenders = []
    for path in templates:
        text = path.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, HANDLER_ATTRIBUTE, JS_URL):
            for match in pattern.finditer(text):
                offenders.append(f"{path.relative_to(ROOT)}: {match.group(0)[:60]}")
    assert offenders == []


def test_the_scan_would_catch_an_inline_script():
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert not INLINE_SCRIPT.search('<script src="/static/js/portal.js" defer></script>')
    assert HANDLER_ATTRIBUTE.search('<button type="button" onclick="go()">')
    assert JS_URL.search('<a href="javascript:void(0)">')


@pytest.mark.parametrize(
    "path", ["/", "/gop-y/", "/tra-cuu/", "/thong-ke/", "/quan-ly/dang-nhap/", "/api/docs/"]
)
def test_pages_carry_a_policy_without_inline_scripts(client, tree, path):
    response = client.get(path)
    assert response.status_code == 200
    policy = _directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"] and policy["base-uri"] == ["'self'"]
    assert not INLINE_SCRIPT.search(response.content.decode())


def test_the_api_docs_load_their_script_from_the_same_origin(client):
    page = client.get("/api/docs/").content.decode()
    sources = re.findall(r'<script[^>]*\bsrc="([^"]+)"', page)
    assert sources and all(s.startswith("/") for s in sources)
    init = [s for s in sources if "script" in s and "/api/docs/" in s]
    assert init, sources
    script = client.get(init[0].replace("&amp;", "&"))
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in script.content.decode()


def test_a_view_that_sets_its_own_policy_keeps_it(client, tree):
    """Attachments are served with a stricter policy of their own (sandboxed): the middleware
    does not replace it."""
    from csp.middleware import CSPMiddleware
    from django.http import HttpResponse
    from django.test import RequestFactory

    response = HttpResponse("x")
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    request = RequestFactory().get("/quan-ly/y-kien/1/tep/1/")
    out = CSPMiddleware(lambda r: response).process_response(request, response)
    assert out["Content-Security-Policy"] == "default-src 'none'; sandbox"
