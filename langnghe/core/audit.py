"""Writing the audit trail and keeping it tamper-evident (docs/security.md §4).

`audit_event_record` is on every write path, the citizen's submission included: it adds one
insert and one SHA-256 of a few hundred bytes, and takes no lock. The chain is built afterwards by
`audit_chain_extend` (the task worker every minute, and `manage.py audit_verify` before it checks),
which links the not-yet-chained rows in id order under one lock, so concurrent writers never wait
for each other and the chain still has one well-defined order.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone
from django_tasks import task

from .models import AuditEvent

# The hash before the first row: a fixed, documented constant.
GENESIS = "0" * 64
CHAIN_EVERY = dt.timedelta(minutes=1)
CHAIN_BATCH = 2000
# pg_advisory_xact_lock key of the chaining step ("LNAUDIT" in ASCII, as an int).
_PG_LOCK_KEY = 0x4C4E4155444954


def audit_event_record(
    *,
    action: str,
    obj: models.Model | None = None,
    actor: Any = None,
    actor_label: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit row; callers do it inside the transaction of the change it records."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        action=action,
        actor=user,
        actor_label=actor_label or (user.get_username() if user else ""),
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=obj.pk if obj is not None else None,
        data=data or {},
    )


# --- hashing ------------------------------------------------------------------------------------


def _canonical_json(value: Any) -> str:
    # Normalised through one JSON round trip first, as the database returns it (tuples become
    # lists, integer keys strings), then written with sorted keys and no spaces.
    return json.dumps(
        json.loads(json.dumps(value)), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )


def _timestamp(at: dt.datetime) -> str:
    if timezone.is_naive(at):
        at = timezone.make_aware(at, dt.UTC)
    return at.astimezone(dt.UTC).isoformat(timespec="microseconds")


def content_hash_of(event: AuditEvent) -> str:
    """SHA-256 of an event's canonical content: what it says happened, to what, by whom, when."""
    canonical = _canonical_json(
        {
            "action": event.action,
            "actor": event.actor_id,
            "actor_label": event.actor_label,
            "object_type": event.object_type,
            "object_id": event.object_id,
            "data": event.data,
            "at": _timestamp(event.at),
        }
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def link_hash(prev_hash: str, content_hash: str) -> str:
    return hashlib.sha256(f"{prev_hash}:{content_hash}".encode()).hexdigest()


# --- chaining -----------------------------------------------------------------------------------


def _chain_lock() -> None:
    """One chainer at a time. PostgreSQL: a transaction-level advisory lock. SQLite: the settings
    open every transaction IMMEDIATE (the database write lock), which already serialises it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])


def chain_head() -> AuditEvent | None:
    return AuditEvent.objects.filter(chain_seq__isnull=False).order_by("-chain_seq").first()


def audit_chain_extend(*, limit: int | None = None) -> int:
    """Link the unchained rows (in id order) to the end of the chain; return how many.

    A row that committed late (its id lower than rows already chained) simply joins the chain
    when it becomes visible: the chain order is `chain_seq`, not the id."""
    done = 0
    while limit is None or done < limit:
        batch = CHAIN_BATCH if limit is None else min(CHAIN_BATCH, limit - done)
        with transaction.atomic():
            _chain_lock()
            head = chain_head()
            seq = head.chain_seq if head is not None and head.chain_seq is not None else 0
            prev = head.chain_hash if head is not None else GENESIS
            rows = list(
                AuditEvent.objects.unchained()
                .order_by("id")
                .values_list("id", "content_hash")[:batch]
            )
            links = []
            for pk, content in rows:
                seq += 1
                chained = link_hash(prev, content)
                links.append((pk, seq, prev, chained))
                prev = chained
            AuditEvent.objects.chain_fill(links)
        done += len(rows)
        if len(rows) < batch:
            break
    return done


@task()
def audit_chain_task(reschedule: bool = True) -> int:
    linked = audit_chain_extend()
    if reschedule:
        schedule_next_chaining()
    return linked


def schedule_next_chaining(delay: dt.timedelta = CHAIN_EVERY) -> None:
    from .queue import enqueue_after

    enqueue_after(audit_chain_task, delay)


def ensure_audit_chain_scheduled() -> bool:
    """Called when the worker starts: exactly one pending chaining task."""
    from .queue import ensure_one_pending

    return ensure_one_pending(audit_chain_task, dt.timedelta(seconds=5))


# --- verification -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainBreak:
    """The first place where the stored trail and the recomputed chain disagree."""

    seq: int | None
    event_id: int | None
    problem: str

    def __str__(self) -> str:
        return f"chain broken at position {self.seq} (event #{self.event_id}): {self.problem}"


@dataclass(frozen=True)
class ChainReport:
    checked: int
    head_seq: int
    head_hash: str
    unchained: int
    broken: ChainBreak | None

    @property
    def ok(self) -> bool:
        return self.broken is None and self.unchained == 0


def _rows() -> Iterator[AuditEvent]:
    return (
        AuditEvent.objects.filter(chain_seq__isnull=False)
        .order_by("chain_seq")
        .iterator(chunk_size=CHAIN_BATCH)
    )


def audit_chain_verify(
    *, progress: Any = None, anchor: tuple[int, str] | None = None
) -> ChainReport:
    """Recompute every content hash and link from the first row; report the first break.

    Detects an edited row (its content no longer matches its hash), a deleted row (a gap in
    the positions, or a link that does not follow), a reordered or inserted row (a link whose
    previous hash is not the previous row's), a chained row re-hashed by hand (its link hash
    does not match), and, with an anchor noted elsewhere, a chain rebuilt from some point on."""
    expected_seq = 1
    prev = GENESIS
    checked = 0
    head_hash = GENESIS
    broken: ChainBreak | None = None
    anchor_seen = anchor is None
    for event in _rows():
        if progress is not None:
            progress(1)
        seq = event.chain_seq
        if seq != expected_seq:
            broken = ChainBreak(
                seq, event.pk, f"position {expected_seq} is missing (a deleted or moved row)"
            )
            break
        if content_hash_of(event) != event.content_hash:
            broken = ChainBreak(seq, event.pk, "the row's content was changed after it was written")
            break
        if event.prev_hash != prev:
            broken = ChainBreak(
                seq,
                event.pk,
                "the link to the previous row is wrong (a row deleted, inserted or "
                "reordered before it)",
            )
            break
        if link_hash(prev, event.content_hash) != event.chain_hash:
            broken = ChainBreak(seq, event.pk, "the row's chain hash was rewritten")
            break
        if anchor is not None and seq == anchor[0]:
            if event.chain_hash != anchor[1]:
                broken = ChainBreak(
                    seq, event.pk, "the chain differs from the anchor noted earlier (rebuilt)"
                )
                break
            anchor_seen = True
        prev = head_hash = event.chain_hash
        expected_seq += 1
        checked += 1
    if broken is None and not anchor_seen and anchor is not None:
        broken = ChainBreak(anchor[0], None, "the anchored position no longer exists (truncated)")
    unchained = AuditEvent.objects.filter(chain_seq__isnull=True).count()
    return ChainReport(
        checked=checked,
        head_seq=expected_seq - 1,
        head_hash=head_hash,
        unchained=unchained,
        broken=broken,
    )
