"""The site menu and footer are rendered once per language and menu entry and kept in the cache
(templates/base.html): the current page is still marked, and the language still follows the
visitor."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db

CURRENT = re.compile(r'<a href="([^"]+)" aria-current="page">')


def _current(client, path, **extra):
    html = client.get(path, **extra).content.decode()
    nav = html[html.index('<nav aria-label="') : html.index("</nav>")]
    return CURRENT.findall(nav), html


def test_each_page_marks_its_own_menu_entry_after_another_was_cached(client):
    assert _current(client, "/tra-cuu/")[0] == ["/tra-cuu/"]
    assert _current(client, "/tim-kiem/")[0] == ["/tim-kiem/"]
    assert _current(client, "/gop-y/")[0] == ["/gop-y/"]
    assert _current(client, "/tra-cuu/")[0] == ["/tra-cuu/"]  # from the cache now
    # A page under a section marks the section; a page that is no entry marks none.
    assert _current(client, "/cong-khai/")[0] == ["/cong-khai/"]
    assert _current(client, "/")[0] == []


def test_the_cached_menu_and_footer_follow_the_language(client):
    _, vietnamese = _current(client, "/tra-cuu/")
    assert "Tra cứu" in vietnamese and "Trang chủ" in vietnamese
    client.cookies["django_language"] = "en"
    _, english = _current(client, "/tra-cuu/")
    assert 'lang="en"' in english
    nav = english[english.index("<nav") : english.index("</nav>")]
    footer = english[english.index('<ul class="footer-links">') :]
    assert "Tra cứu" not in nav and "Trang chủ" not in footer
