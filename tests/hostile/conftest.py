"""Fixtures for the hostile-input tests: a site the public forms can submit to, staff of every
role the back-office forms need, an Open311 integration, API tokens, and row counters that prove
nothing was stored half-way.

Hypothesis runs under the "hostile" profile: a modest number of examples and no deadline (the
first example of a test pays for template compilation and the database), so the folder adds
about a minute to the suite.
"""

from __future__ import annotations

import os

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, settings

from langnghe.orgs.models import Role

from ..factories import person, user

settings.register_profile(
    "hostile",
    max_examples=int(os.environ.get("LANGNGHE_HOSTILE_EXAMPLES", "40")),
    deadline=None,
    # Examples share the function-scoped database fixtures on purpose: each example is checked
    # against row counts taken just before it, not against an empty database.
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
    derandomize=os.environ.get("LANGNGHE_HOSTILE_RANDOM") != "1",
    print_blob=True,
)
HOSTILE = settings.get_profile("hostile")

OPEN311_KEY = "hostile-integration-key-0001"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Counts, choice lists and the abuse limits live in the cache."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def site(tree):
    """What the public submit form offers: a commune of the gazetteer with its people's
    committee, a topic, a manifestation and a public cadre."""
    from langnghe.intake.models import DegradationIndicator, Topic
    from langnghe.orgs.models import AdminUnit, Position

    province_unit = AdminUnit.objects.create(
        code="51", name="Tỉnh Quảng Ngãi", level=AdminUnit.Level.PROVINCE
    )
    commune_unit = AdminUnit.objects.create(
        code="23527", name="Xã Sa Thầy", level=AdminUnit.Level.COMMUNE, parent=province_unit
    )
    tree.commune.admin_unit = commune_unit
    tree.commune.save(update_fields=["admin_unit"])
    tree.topic = Topic.objects.create(
        code="giao-thong", name_vi="Giao thông", name_en="Transport", order=1
    )
    tree.indicator = DegradationIndicator.objects.create(
        code="TTCT-1", group="TTCT", number=1, text_vi="Phai nhạt lý tưởng", verified=True
    )
    tree.cadre = person(
        "Nguyễn Văn Bảo", org=tree.commune, role=Position.Role.DEPUTY, title="Phó Chủ tịch"
    )
    tree.commune_unit = commune_unit
    return tree


@pytest.fixture
def staff(site):
    return type(
        "Staff",
        (),
        dict(
            admin=user("quantri", grants=[(site.province, Role.ADMIN)]),
            receptionist=user("tiepnhan", grants=[(site.commune, Role.RECEPTIONIST)]),
            handler=user("xuly", grants=[(site.commune, Role.HANDLER)]),
            head=user("truongdonvi", grants=[(site.commune, Role.UNIT_HEAD)]),
            leader=user(
                "lanhdao",
                grants=[(site.province, Role.LEADER), (site.party, Role.LEADER)],
            ),
            inspector=user("kiemtra", grants=[(site.ubkt, Role.INSPECTOR)]),
            front=user("mattran", grants=[(site.commune, Role.FRONT_LIAISON)]),
        ),
    )


@pytest.fixture
def integration(site, staff):
    from langnghe.open311.services import integration_create

    found, _key = integration_create(
        actor=staff.admin, name="Ứng dụng thử", receiving_org=site.commune, raw_key=OPEN311_KEY
    )
    return found


def token_for(u) -> str:
    from rest_framework.authtoken.models import Token

    token, _ = Token.objects.get_or_create(user=u)
    return token.key


def row_counts() -> dict[str, int]:
    """Rows of every table a citizen's or a clerk's input can add to."""
    from langnghe.core.models import AuditEvent
    from langnghe.handling.models import Answer, ItemEvent
    from langnghe.imports.models import ImportedRow
    from langnghe.intake.models import Attachment, Item, ReporterIdentity
    from langnghe.open311.models import ServiceRequest

    models = [Item, Attachment, ReporterIdentity, ItemEvent, Answer, AuditEvent, ImportedRow]
    models.append(ServiceRequest)
    return {m.__name__: m.objects.count() for m in models}


def media_files(settings_obj) -> list[str]:
    """Every file in the media and sealed storage (an attachment stored half-way stays here)."""
    found = []
    for root in (settings_obj.MEDIA_ROOT, settings_obj.SEALED_ROOT):
        for dirpath, _dirs, files in os.walk(root):
            found += [os.path.join(dirpath, f) for f in files]
    return sorted(found)
