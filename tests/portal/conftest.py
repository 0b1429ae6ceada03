from __future__ import annotations

import io

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The portal caches counts and choice lists; each test starts from the database."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def site(tree):
    """The tree of tests/conftest.py plus what the submit form offers: a commune of the
    gazetteer (with its people's committee), a topic, manifestations and a public cadre."""
    from langnghe.intake.models import DegradationIndicator, Topic
    from langnghe.orgs.models import AdminUnit, Position

    from ..factories import person

    province_unit = AdminUnit.objects.create(
        code="51", name="Tỉnh Quảng Ngãi", level=AdminUnit.Level.PROVINCE
    )
    commune_unit = AdminUnit.objects.create(
        code="23527", name="Xã Sa Thầy", level=AdminUnit.Level.COMMUNE, parent=province_unit
    )
    AdminUnit.objects.create(
        code="23548", name="Xã Ya Ly", level=AdminUnit.Level.COMMUNE, parent=province_unit
    )
    tree.commune.admin_unit = commune_unit
    tree.commune.save(update_fields=["admin_unit"])
    topic = Topic.objects.create(code="giao-thong", name_vi="Giao thông", name_en="Transport")
    ind1 = DegradationIndicator.objects.create(
        code="TTCT-1", group="TTCT", number=1, text_vi="Phai nhạt lý tưởng cách mạng", verified=True
    )
    ind2 = DegradationIndicator.objects.create(
        code="TTCT-7", group="TTCT", number=7, text_vi="Áp đặt, bảo thủ", verified=False
    )
    cadre = person(
        "Nguyễn Văn Bảo", org=tree.commune, role=Position.Role.DEPUTY, title="Phó Chủ tịch"
    )
    tree.commune_unit = commune_unit
    tree.topic = topic
    tree.indicators = [ind1, ind2]
    tree.cadre = cadre
    return tree


def png_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 10, 10)).save(out, format="PNG")
    return out.getvalue()
