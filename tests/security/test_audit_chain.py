"""The audit trail is tamper-evident: a hash chain over every row, checked by `audit_verify`.

Each tampering case is done the way an intruder with database access would: raw SQL, bypassing
AuditEvent.save (which refuses updates and deletes)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from langnghe.core import audit
from langnghe.core.audit import audit_chain_extend, audit_chain_verify, audit_event_record
from langnghe.core.models import AuditEvent

from ..factories import submit_one

pytestmark = pytest.mark.django_db


def record(n: int) -> list[AuditEvent]:
    return [
        audit_event_record(action="test.event", actor_label="tester", data={"n": i, "văn": "bản"})
        for i in range(n)
    ]


def sql(statement: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def verify() -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("audit_verify", stdout=out, stderr=io.StringIO())
    except CommandError as exc:
        return exc.returncode, str(exc)
    return 0, out.getvalue()


def test_rows_get_a_content_hash_at_insert_and_join_the_chain_later():
    events = record(3)
    assert all(len(e.content_hash) == 64 for e in events)
    assert AuditEvent.objects.filter(chain_seq__isnull=True).count() >= 3
    assert audit_chain_extend() >= 3
    rows = list(AuditEvent.objects.order_by("chain_seq"))
    assert [r.chain_seq for r in rows] == list(range(1, len(rows) + 1))
    assert rows[0].prev_hash == audit.GENESIS
    for before, after in zip(rows, rows[1:], strict=False):
        assert after.prev_hash == before.chain_hash
    assert audit_chain_extend() == 0  # nothing left to link


def test_a_submission_is_audited_and_verifies(tree):
    submit_one(tree.commune)
    code, out = verify()
    assert code == 0, out
    assert "Audit chain intact" in out
    head = audit.chain_head()
    assert head is not None
    assert f"Anchor (note it elsewhere): {head.chain_seq}:{head.chain_hash}" in out


def test_save_and_delete_stay_refused_and_chain_fill_fills_only_empty_rows():
    event = record(1)[0]
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()
    audit_chain_extend()
    # A chained row can never be chained again (the WHERE clause of chain_fill).
    assert AuditEvent.objects.chain_fill([(event.pk, 99, "x", "y")]) == 0
    assert AuditEvent.objects.get(pk=event.pk).chain_seq != 99


def test_edited_row_is_detected():
    events = record(5)
    audit_chain_extend()
    sql("UPDATE core_auditevent SET data = %s WHERE id = %s", [json.dumps({"n": 42}), events[2].pk])
    report = audit_chain_verify()
    assert report.broken is not None and report.broken.event_id == events[2].pk
    assert "content was changed" in report.broken.problem
    code, message = verify()
    assert code == 1 and "AUDIT TRAIL TAMPERED" in message and f"event #{events[2].pk}" in message


def test_edited_row_with_recomputed_content_hash_is_detected():
    events = record(4)
    audit_chain_extend()
    victim = AuditEvent.objects.get(pk=events[1].pk)
    victim.action = "test.innocent"
    forged = audit.content_hash_of(victim)
    sql(
        "UPDATE core_auditevent SET action = %s, content_hash = %s WHERE id = %s",
        ["test.innocent", forged, victim.pk],
    )
    report = audit_chain_verify()
    assert report.broken is not None and report.broken.event_id == victim.pk
    assert "chain hash was rewritten" in report.broken.problem


def test_deleted_row_is_detected():
    events = record(5)
    audit_chain_extend()
    sql("DELETE FROM core_auditevent WHERE id = %s", [events[2].pk])
    report = audit_chain_verify()
    assert report.broken is not None and report.broken.event_id == events[3].pk
    assert "missing" in report.broken.problem
    assert verify()[0] == 1


def test_reordered_rows_are_detected():
    events = record(5)
    audit_chain_extend()
    a = AuditEvent.objects.get(pk=events[1].pk)
    b = AuditEvent.objects.get(pk=events[3].pk)
    # Swap the two rows' places in the chain (through a free position: chain_seq is unique).
    sql("UPDATE core_auditevent SET chain_seq = %s WHERE id = %s", [-1, a.pk])
    sql("UPDATE core_auditevent SET chain_seq = %s WHERE id = %s", [a.chain_seq, b.pk])
    sql("UPDATE core_auditevent SET chain_seq = %s WHERE id = %s", [b.chain_seq, a.pk])
    report = audit_chain_verify()
    assert report.broken is not None and report.broken.seq == a.chain_seq
    assert "link to the previous row is wrong" in report.broken.problem


def test_swapped_contents_are_detected():
    events = record(4)
    audit_chain_extend()
    sql(
        "UPDATE core_auditevent SET data = %s WHERE id = %s",
        [json.dumps({"n": 2, "văn": "bản"}), events[1].pk],
    )
    sql(
        "UPDATE core_auditevent SET data = %s WHERE id = %s",
        [json.dumps({"n": 1, "văn": "bản"}), events[2].pk],
    )
    report = audit_chain_verify()
    assert report.broken is not None and report.broken.event_id == events[1].pk


def test_row_inserted_into_the_chain_is_detected():
    events = record(4)
    audit_chain_extend()
    # Make room after position 2 and slip a forged row in with a well-formed content hash and a
    # correct link to its predecessor; the row after it no longer links.
    sql("UPDATE core_auditevent SET chain_seq = chain_seq + 100 WHERE chain_seq > 2", [])
    sql("UPDATE core_auditevent SET chain_seq = chain_seq - 99 WHERE chain_seq > 100", [])
    prev = AuditEvent.objects.get(chain_seq=2)
    fake = AuditEvent(
        action="test.forged", actor_label="tester", object_type="", data={}, at=prev.at
    )
    content = audit.content_hash_of(fake)
    sql(
        "INSERT INTO core_auditevent (at, actor_label, action, object_type, object_id, data, "
        "content_hash, chain_seq, prev_hash, chain_hash) VALUES (%s, %s, %s, %s, NULL, %s, %s, "
        "%s, %s, %s)",
        [
            prev.at,
            "tester",
            "test.forged",
            "",
            "{}",
            content,
            3,
            prev.chain_hash,
            audit.link_hash(prev.chain_hash, content),
        ],
    )
    report = audit_chain_verify()
    assert report.broken is not None
    assert report.broken.event_id == events[2].pk  # the first genuine row after the forgery
    assert "link to the previous row is wrong" in report.broken.problem


def test_row_inserted_without_a_hash_is_detected():
    record(3)
    audit_chain_extend()
    sql(
        "INSERT INTO core_auditevent (at, actor_label, action, object_type, object_id, data, "
        "content_hash, chain_seq, prev_hash, chain_hash) VALUES "
        "(CURRENT_TIMESTAMP, 'x', 'item.closed', '', NULL, '{}', '', NULL, '', '')",
        [],
    )
    code, message = verify()  # links it, then finds its content does not match its hash
    assert code == 1 and "content was changed" in message


def test_rebuilt_chain_is_detected_by_the_anchor():
    record(4)
    audit_chain_extend()
    head = audit.chain_head()
    assert head is not None
    anchor = f"{head.chain_seq}:{head.chain_hash}"
    assert call_command("audit_verify", "--anchor", anchor, stdout=io.StringIO()) is None
    # An intruder edits row 1 and recomputes every hash after it: each link holds again...
    first = AuditEvent.objects.get(chain_seq=1)
    first.data = {"n": 999}
    prev = audit.GENESIS
    for event in AuditEvent.objects.order_by("chain_seq"):
        if event.pk == first.pk:
            event = first
        content = audit.content_hash_of(event)
        chained = audit.link_hash(prev, content)
        sql(
            "UPDATE core_auditevent SET data = %s, content_hash = %s, prev_hash = %s, "
            "chain_hash = %s WHERE id = %s",
            [json.dumps(event.data), content, prev, chained, event.pk],
        )
        prev = chained
    assert audit_chain_verify().broken is None
    # ...but not the anchor noted elsewhere.
    with pytest.raises(CommandError, match="differs from the anchor") as exc:
        call_command("audit_verify", "--anchor", anchor, stdout=io.StringIO())
    assert exc.value.returncode == 1


def test_truncated_chain_is_detected_by_the_anchor():
    events = record(3)
    audit_chain_extend()
    head = audit.chain_head()
    assert head is not None
    sql("DELETE FROM core_auditevent WHERE id = %s", [events[-1].pk])
    report = audit_chain_verify(anchor=(head.chain_seq or 0, head.chain_hash))
    assert report.broken is not None and "no longer exists" in report.broken.problem


def test_bad_anchor_argument_is_refused():
    with pytest.raises(CommandError, match="POSITION:HASH"):
        call_command("audit_verify", "--anchor", "nonsense", stdout=io.StringIO())


def test_late_committed_row_joins_the_end_of_the_chain():
    record(3)
    audit_chain_extend()
    # A transaction that took its id before the others but committed after the chainer ran:
    # its id is lower than every chained row's.
    late = record(1)[0]
    sql("UPDATE core_auditevent SET id = %s WHERE id = %s", [-late.pk, late.pk])
    assert audit_chain_extend() == 1
    late_row = AuditEvent.objects.get(pk=-late.pk)
    assert late_row.chain_seq == AuditEvent.objects.count()
    assert audit_chain_verify().ok


def test_existing_json_survives_the_database_round_trip():
    event = audit_event_record(
        action="test.types",
        data={"b": [1, 2.5, None, True], "a": {"z": "ý kiến", "k": (1, 2)}, 3: "int key"},
    )
    stored = AuditEvent.objects.get(pk=event.pk)
    assert audit.content_hash_of(stored) == event.content_hash


def test_chaining_task_reschedules_itself(settings):
    from django.test import override_settings
    from django_tasks_db.models import DBTaskResult

    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        assert audit.ensure_audit_chain_scheduled() is True
        assert audit.ensure_audit_chain_scheduled() is False
        assert DBTaskResult.objects.filter(task_path__endswith="audit_chain_task").count() == 1
        record(2)
        assert audit.audit_chain_task.func(reschedule=True) >= 2
        assert DBTaskResult.objects.filter(task_path__endswith="audit_chain_task").count() == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_and_chainers_give_one_chain():
    """PostgreSQL: writers commit in any order while two chainers run; the advisory lock gives
    one chain, every row in it once, and it verifies."""
    import random
    import threading
    import time

    from django.db import connections, transaction

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://…)")
    stop = threading.Event()
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(15):
                with transaction.atomic():
                    audit_event_record(action="test.concurrent", data={"w": n, "i": i})
                    time.sleep(random.random() / 200)  # commit later than the next id  # noqa: S311
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    def chainer() -> None:
        try:
            while not stop.is_set():
                audit_chain_extend()
        except BaseException as exc:  # pragma: no cover
            errors.append(exc)
        finally:
            connections.close_all()

    chainers = [threading.Thread(target=chainer) for _ in range(2)]
    writers = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in chainers + writers:
        t.start()
    for t in writers:
        t.join()
    stop.set()
    for t in chainers:
        t.join()
    assert not errors, errors
    audit_chain_extend()
    report = audit_chain_verify()
    assert report.ok, report.broken
    assert report.checked == AuditEvent.objects.count() == 60
