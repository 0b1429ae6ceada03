"""Shared pieces of the browser tests: Debian's Chromium driven by Playwright's sync API against
pytest-django's live_server. A plain module (not a conftest) so that browser tests elsewhere in the
tree (tests/portal/test_browser.py) import the same fixtures explicitly.

Never `playwright install`: the browser is the distribution's (LANGNGHE_CHROMIUM, installed by
.ci/run's browser leg)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


@contextmanager
def chromium(monkeypatch) -> Iterator[Any]:
    """Debian's Chromium, headless, for one test."""
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by the test
    # itself (set-up, assertions) are still plain synchronous calls. One browser per test keeps
    # that loop (and this setting) from outliving the browser tests.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=os.environ.get("LANGNGHE_CHROMIUM", "/usr/bin/chromium"),
            args=CHROMIUM_ARGS,
        )
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def browser(monkeypatch):
    with chromium(monkeypatch) as b:
        yield b


@pytest.fixture
def new_page(browser):
    """A fresh context (its own cookies, so its own session) in Vietnamese, on a viewport."""

    def make(*, viewport=None, javascript: bool = True):
        context = browser.new_context(
            java_script_enabled=javascript,
            locale="vi-VN",
            viewport=viewport or DESKTOP,
        )
        context.set_default_timeout(10_000)
        return context.new_page()

    return make


@pytest.fixture
def screenshots(tmp_path_factory):
    """Full-page screenshots of the main pages, for humans (never committed): pytest keeps the
    last few base temp dirs, the path is printed with -s / on failure. Use as shoot(page, name)."""
    directory: Path = tmp_path_factory.mktemp("screenshots")
    taken: list[Path] = []

    def shoot(page, name: str) -> Path:
        path = directory / f"{len(taken) + 1:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        taken.append(path)
        return path

    shoot.directory = directory  # type: ignore[attr-defined]
    shoot.taken = taken  # type: ignore[attr-defined]
    yield shoot
    print(f"\nscreenshots: {directory}")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The portal caches counts and choice lists (topics, communes) in the process the live
    server shares with the test; each test starts from its own database rows."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
