from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SEALED_ROOT = tmp_path / "sealed"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (a rolled-back test sends no signal to forget)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _language_restored():
    """Each test ends in the language it started in. A request activates its language for the
    rest of its thread (the site's middleware sets it again at the start of the next request,
    but code a test runs outside a request does not): without this, an API or Open311 test asked
    in English left English to whichever test came next."""
    from django.utils import translation

    before = translation.get_language()
    yield
    translation.activate(before)


@pytest.fixture
def tree(db):
    """A province with a commune people's committee and a party committee with its UBKT."""
    from langnghe.orgs.models import Organisation

    from .factories import org

    province = org("UBND tỉnh Quảng Ngãi", level=Organisation.Level.PROVINCE)
    commune = org("UBND xã Sa Thầy", parent=province)
    sibling = org("UBND xã Ya Ly", parent=province)
    office = org("Văn phòng UBND xã Sa Thầy", parent=commune, kind=Organisation.Kind.AGENCY)
    party = org("Đảng ủy xã Sa Thầy", kind=Organisation.Kind.PARTY_COMMITTEE)
    ubkt = org(
        "Ủy ban kiểm tra Đảng ủy xã Sa Thầy",
        parent=party,
        kind=Organisation.Kind.INSPECTION_COMMISSION,
    )
    return type(
        "Tree",
        (),
        dict(
            province=province,
            commune=commune,
            sibling=sibling,
            office=office,
            party=party,
            ubkt=ubkt,
        ),
    )


def pytest_collection_modifyitems(config, items):
    """Browser tests need Chromium (installed by .ci/run): they run only with LANGNGHE_BROWSER=1."""
    import os

    if os.environ.get("LANGNGHE_BROWSER") == "1":
        return
    skip = pytest.mark.skip(
        reason="browser tests run with LANGNGHE_BROWSER=1 (.ci/run installs Chromium)"
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)
