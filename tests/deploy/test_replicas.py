"""Read replicas (docs/deployment.md §3): the router never reads from a replica unless the code
asks, writes always go to the primary, and an opted-in read-only selector reads the replica.

The end-to-end test runs config.settings.production with two SQLite files, the primary and a
replica that SQLite's backup API copies from it (the "replication", so its lag is visible)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from django.db import transaction

from langnghe.core import db_routers
from langnghe.core.db_routers import ReplicaRouter, primary_only, replica_alias, using_replica
from langnghe.orgs.models import Organisation

from .helpers import production_json


@pytest.fixture
def replicas(monkeypatch):
    """Replica aliases as DATABASE_REPLICA_URLS would configure them (no connection is made)."""

    def configure(*aliases: str) -> None:
        monkeypatch.setattr(db_routers, "replica_aliases", lambda: list(aliases))

    return configure


def _obj(alias: str | None) -> SimpleNamespace:
    return SimpleNamespace(_state=SimpleNamespace(db=alias))


def test_router_sends_writes_and_unrouted_reads_to_default(replicas):
    replicas("replica_1")
    router = ReplicaRouter()
    assert router.db_for_read(Organisation) == "default"
    assert router.db_for_read(Organisation, instance=_obj("default")) == "default"
    assert router.db_for_write(Organisation) == "default"
    # Saving an object that was read on a replica writes to the primary.
    assert router.db_for_write(Organisation, instance=_obj("replica_1")) == "default"


def test_related_lookups_of_a_replica_object_stay_on_its_replica(replicas):
    replicas("replica_1")
    assert ReplicaRouter().db_for_read(Organisation, instance=_obj("replica_1")) == "replica_1"


def test_router_relations_and_migrations(replicas):
    replicas("replica_1")
    router = ReplicaRouter()
    assert router.allow_relation(_obj("default"), _obj("replica_1")) is True
    assert router.allow_relation(_obj("default"), _obj("archive")) is None
    assert router.allow_migrate("replica_1", "intake") is False
    assert router.allow_migrate("default", "intake") is None


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_replica_aliases_come_from_databases(settings):
    assert db_routers.replica_aliases() == []  # the test settings have none
    settings.DATABASES = {**settings.DATABASES, "replica_1": {}, "replica_2": {}, "archive": {}}
    assert db_routers.replica_aliases() == ["replica_1", "replica_2"]


def test_replica_alias_falls_back_to_default_without_replicas():
    assert replica_alias() == "default"
    qs = Organisation.objects.all()
    assert using_replica(qs) is qs


def test_replica_alias_spreads_reads_over_the_replicas(replicas):
    replicas("replica_1", "replica_2")
    assert {replica_alias() for _ in range(60)} == {"replica_1", "replica_2"}
    assert using_replica(Organisation.objects.all()).db in {"replica_1", "replica_2"}
    with primary_only(), primary_only():
        assert replica_alias() == "default"
    assert replica_alias() != "default"


@pytest.mark.django_db
def test_replica_alias_is_default_inside_a_transaction(replicas):
    """What a transaction reads must be what it is about to write on (read-your-writes)."""
    replicas("replica_1")
    # pytest-django runs this test inside an atomic block on default.
    assert transaction.get_connection().in_atomic_block
    assert replica_alias() == "default"
    assert using_replica(Organisation.objects.all()).db == "default"


# --- end to end, two SQLite databases -----------------------------------------------------------

# Both scripts start the same: settings, and "replication" by SQLite's backup API.
PREAMBLE = r"""
import json, sqlite3
from pathlib import Path
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.db import connections, transaction
from django.utils import timezone
from tests import factories

primary = Path(settings.DATABASES["default"]["NAME"])
replica = Path(settings.DATABASES["replica_1"]["NAME"])

def replicate():
    connections["replica_1"].close()
    src, dst = sqlite3.connect(primary), sqlite3.connect(replica)
    src.backup(dst)
    src.close(); dst.close()
"""

SCRIPT_STEPS = r"""
from langnghe.core.db_routers import primary_only, using_replica
from langnghe.intake.models import Item
from langnghe.portal import selectors

def published_codes_on(path):
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT code, title FROM intake_item WHERE is_published ORDER BY id")
        return [list(r) for r in rows]

call_command("migrate", verbosity=0)
call_command("vault_rotate", "--init", verbosity=0)
out = {"replica_tables_before": None}
with sqlite3.connect(replica) as db:
    out["replica_tables_before"] = db.execute(
        "SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()[0]

org = factories.org("UBND xã Sa Thầy")
first, _ = factories.submit_one(org, body="Đèn đường thôn 2 hỏng")
Item.objects.filter(pk=first.pk).update(is_published=True, published_at=timezone.now())
replicate()
second, _ = factories.submit_one(org, body="Rác thải chợ xã")
Item.objects.filter(pk=second.pk).update(is_published=True, published_at=timezone.now())

opted = using_replica(selectors._published())
out["opted_db"] = opted.db
out["opted_codes"] = [i.code for i in opted.order_by("pk")]
out["default_codes"] = [i.code for i in selectors._published().order_by("pk")]
with primary_only():
    out["pinned_codes"] = [i.code for i in using_replica(selectors._published()).order_by("pk")]
with transaction.atomic():
    out["atomic_db"] = using_replica(selectors._published()).db

from_replica = using_replica(Item.objects.select_related(None)).get(pk=first.pk)
out["related_db"] = from_replica.receiving_org._state.db
from_replica.title = "Đã sửa trên máy chính"
from_replica.save(update_fields=["title"])
out["primary_rows"] = published_codes_on(primary)
out["replica_rows"] = published_codes_on(replica)
replicate()
out["after_replication"] = [i.code for i in using_replica(selectors._published()).order_by("pk")]
out["codes"] = [first.code, second.code]
print(json.dumps(out))
"""
SCRIPT = PREAMBLE + SCRIPT_STEPS


def test_opted_in_selector_reads_the_replica_and_writes_go_to_the_primary(tmp_path: Path):
    replica = tmp_path / "replica.sqlite3"
    out = production_json(
        tmp_path,
        SCRIPT,
        DATABASE_REPLICA_URLS=f"sqlite:///{replica}",
        LANGNGHE_SSL_REDIRECT="0",
    )
    first, second = out["codes"]
    # migrate touched the primary only: the replica file was empty until replicated.
    assert out["replica_tables_before"] == 0
    # The opted-in read went to the replica, which has not got the second item yet (lag) …
    assert out["opted_db"] == "replica_1"
    assert out["opted_codes"] == [first]
    # … while every read that did not opt in, and the pinned and transactional ones, see both.
    assert out["default_codes"] == [first, second]
    assert out["pinned_codes"] == [first, second]
    assert out["atomic_db"] == "default"
    assert out["related_db"] == "replica_1"
    # Saving the object read on the replica wrote to the primary only.
    assert [first, "Đã sửa trên máy chính"] in out["primary_rows"]
    assert [first, "Đã sửa trên máy chính"] not in out["replica_rows"]
    assert [row[0] for row in out["replica_rows"]] == [first]
    # Once replicated, the replica serves both.
    assert out["after_replication"] == [first, second]


PUBLIC_READS = (
    PREAMBLE
    + r"""
from django.test import Client
from langnghe.intake.models import Item, Topic
from langnghe.open311.services import integration_create
from langnghe.orgs.models import Role

call_command("migrate", verbosity=0)
call_command("vault_rotate", "--init", verbosity=0)
org = factories.org("UBND xã Sa Thầy")
Topic.objects.create(code="giao-thong", name_vi="Giao thông", name_en="Roads")
admin = factories.user("quantri", grants=[(org, Role.ADMIN)])
key = "khoa-thu-nghiem-00000001"
integration_create(actor=admin, name="Ứng dụng", receiving_org=org, raw_key=key)
first, _ = factories.submit_one(org, body="Đèn đường thôn 2 hỏng")
Item.objects.filter(pk=first.pk).update(is_published=True, published_at=timezone.now())
replicate()
second, _ = factories.submit_one(org, body="Rác thải chợ xã")
Item.objects.filter(pk=second.pk).update(is_published=True, published_at=timezone.now())

client = Client(HTTP_HOST="gopy.example.vn")
out = {"codes": [first.code, second.code]}
out["open311"] = [r["service_request_id"] for r in client.get("/open311/v2/requests.json").json()]
out["api"] = [r["code"] for r in client.get("/api/v1/published/").json()["results"]]
posted = client.post("/open311/v2/requests.json", {
    "api_key": key, "service_code": "giao-thong", "description": "Ổ gà thôn 3",
    "address_string": "Thôn 3"}).json()[0]["service_request_id"]
out["posted"] = posted
own = client.get(f"/open311/v2/requests/{posted}.json", {"api_key": key})
out["own"] = [r["service_request_id"] for r in own.json()] if own.status_code == 200 else own.status_code
print(json.dumps(out))
"""
)


def test_public_reads_of_the_api_and_open311_use_the_replica_and_keyed_reads_the_primary(
    tmp_path: Path,
):
    """Published items listed by the API and by Open311 without a key come from the replica (it
    lags: the second item is not there yet); an integration reads the request it has just posted
    from the primary."""
    replica = tmp_path / "replica.sqlite3"
    out = production_json(
        tmp_path,
        PUBLIC_READS,
        DATABASE_REPLICA_URLS=f"sqlite:///{replica}",
        LANGNGHE_SSL_REDIRECT="0",
    )
    first, _second = out["codes"]
    assert out["open311"] == [first]
    assert out["api"] == [first]
    assert out["own"] == [out["posted"]]
