"""Run inside the product's own environment (LANGNGHE_DATA_DIR, DATABASE_URL, dev settings), as a
separate process, by the reliability tests: they never open the product's database themselves
(pytest-django's test database is another one).

    python -m tests.reliability.probe setup          # migrate, vault key, demo tree (no items)
    python -m tests.reliability.probe soak-setup N   # JSON: the soak's scenario context
    python -m tests.reliability.probe context        # JSON: the commune and topic to submit to
    python -m tests.reliability.probe check < receipts.json   # JSON: the integrity report

`check` reads {"baseline": <the last item before the test>, "receipts": [{"codes": [...],
"secret": ..., "name": ..., "phone": ..., "attachment_sha256": ...}, ...]} and reports, from the database and the data directory, what survived.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any


def _django() -> None:
    import django

    django.setup()


def cmd_setup() -> dict[str, Any]:
    from django.core.management import call_command

    from langnghe.core import bench

    call_command("migrate", interactive=False, verbosity=0)
    bench.ensure_tree()
    return {"ok": True}


def cmd_soak_setup(items: int) -> dict[str, Any]:
    """The soak test's data: the demo tree, `items` synthetic items (with the benchmark's known
    receipt secret, for the tracking pages) and the scenarios' context, as JSON."""
    import dataclasses
    import random

    from langnghe.core import bench

    cmd_setup()
    bench.ensure_bench_tables()
    bench.build_dataset(items, seed=7)
    bench.finish_load()
    return dataclasses.asdict(bench.scenario_context(random.Random(7), queries=100))


def cmd_context() -> dict[str, Any]:
    from langnghe.intake.models import Topic
    from langnghe.orgs.models import AdminUnit

    # Sa Thầy: the demo commune whose handler (`xuly`) gets the "routed" e-mails.
    unit = AdminUnit.objects.filter(
        scheme="post-2025", level=AdminUnit.Level.COMMUNE, valid_to__isnull=True
    )
    commune = unit.filter(name__icontains="Sa Thầy").first() or unit.order_by("name").first()
    topic = Topic.objects.filter(active=True).order_by("order").first()
    from langnghe.intake.models import Item

    return {
        "commune": commune.pk if commune else None,
        "topic": topic.pk if topic else None,
        # The demo's own items (made without the task queue) are not the test's.
        "baseline": Item.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
    }


def _mail_codes(mail_dir: Path) -> Counter[str]:
    """How many e-mails name each item code (the file back-end: one file per connection, several
    messages per file possible)."""
    import email
    import re

    counts: Counter[str] = Counter()
    if not mail_dir.exists():
        return counts
    for path in mail_dir.glob("*.log"):
        for chunk in path.read_text(encoding="utf-8", errors="replace").split("-" * 79):
            if not chunk.strip():
                continue
            message = email.message_from_string(chunk.strip())
            subject = str(email.header.make_header(email.header.decode_header(message["Subject"])))
            found = re.search(r"\] (\S+)$", subject)
            if found:
                counts[found.group(1)] += 1
    return counts


def cmd_check(payload: dict[str, Any]) -> dict[str, Any]:
    import hashlib

    from django.conf import settings
    from django.db.models import Count
    from django_tasks_db.models import DBTaskResult

    from langnghe.core.storage import sealed_read
    from langnghe.handling.models import ItemEvent
    from langnghe.intake import vault
    from langnghe.intake.models import Attachment, Item, ReporterIdentity
    from langnghe.intake.receipts import secret_matches

    receipts: list[dict[str, Any]] = payload["receipts"]
    new = Item.objects.filter(pk__gt=payload["baseline"])
    problems: list[str] = []
    whole = 0
    for receipt in receipts:
        items = list(Item.objects.filter(code__in=receipt["codes"]).select_related("identity"))
        if len(items) != len(receipt["codes"]):
            problems.append(f"{receipt['codes']}: {len(items)} item(s) found")
            continue
        ok = True
        for item in items:
            if not secret_matches(item.code, receipt["secret"], item.secret_hash):
                problems.append(f"{item.code}: the receipt's secret does not open it")
                ok = False
            types = set(item.events.values_list("type", flat=True))
            if not {ItemEvent.Type.CREATED, ItemEvent.Type.ROUTED} <= types:
                problems.append(f"{item.code}: events {sorted(types)}")
                ok = False
            if receipt.get("phone"):
                if item.identity is None:
                    problems.append(f"{item.code}: no sealed identity")
                    ok = False
                else:
                    values = vault.unseal(item.identity.ciphertext)
                    if values.get("phone") != receipt["phone"] or values.get("name") != receipt.get(
                        "name"
                    ):
                        problems.append(f"{item.code}: the sealed identity differs")
                        ok = False
            elif item.identity is not None:
                problems.append(f"{item.code}: an identity on an anonymous submission")
                ok = False
            attachments = list(item.attachments.all())
            wanted = 1 if receipt.get("attachment_sha256") else 0
            if len(attachments) != wanted:
                problems.append(f"{item.code}: {len(attachments)} attachment(s), not {wanted}")
                ok = False
            for attachment in attachments:
                if not Path(attachment.file.path).is_file() or attachment.file.size == 0:
                    problems.append(f"{item.code}: attachment file missing")
                    ok = False
                original = vault.unseal_bytes(sealed_read(attachment.sealed_path))
                if hashlib.sha256(original).hexdigest() != receipt["attachment_sha256"]:
                    problems.append(f"{item.code}: the sealed original differs")
                    ok = False
        whole += ok

    # Nothing half-written, nothing duplicated, whatever got a receipt or not.
    no_events = new.annotate(n=Count("events")).filter(n=0).count()
    not_routed = new.filter(handling_org__isnull=True).count()
    orphan_identities = ReporterIdentity.objects.filter(items__isnull=True).count()
    duplicate_codes = Item.objects.values("code").annotate(n=Count("pk")).filter(n__gt=1).count()
    # The same text twice (a retried POST creating a second item) would show here.
    duplicate_bodies = new.values("body").annotate(n=Count("pk")).filter(n__gt=1).count()
    referenced_media = {Path(a.file.path).resolve() for a in Attachment.objects.all()}
    referenced_sealed = {a.sealed_path for a in Attachment.objects.all()}
    media_root = Path(settings.MEDIA_ROOT) / "attachments"
    sealed_root = Path(settings.SEALED_ROOT)
    media_files = {p.resolve() for p in media_root.rglob("*") if p.is_file()}
    sealed_files = {
        str(p.relative_to(sealed_root)) for p in sealed_root.rglob("*.sealed") if p.is_file()
    }

    tasks: dict[str, Counter[str]] = {}
    for path, status in DBTaskResult.objects.values_list("task_path", "status"):
        tasks.setdefault(path.rsplit(".", 1)[-1], Counter())[status] += 1
    notify = DBTaskResult.objects.filter(task_path__endswith="notify_staff_task")
    # One task per notification asked for: an item, a template, a unit.
    per_call = Counter(json.dumps(r.args_kwargs["args"]) for r in notify.only("args_kwargs"))
    codes = dict(new.values_list("pk", "code"))
    notified = {json.loads(key)[0] for key in per_call}
    mails = _mail_codes(Path(settings.EMAIL_FILE_PATH))
    # The e-mails each item should have caused: one per finished task that found a recipient
    # (the demo's items too: the deadline sweep escalates some of them).
    all_codes = dict(Item.objects.values_list("pk", "code"))
    expected: Counter[str] = Counter()
    for r in notify.filter(status="SUCCESSFUL").only("args_kwargs", "return_value"):
        if r.return_value:
            expected[all_codes.get(r.args_kwargs["args"][0], "?")] += 1
    running_codes = [
        all_codes.get(r.args_kwargs["args"][0])
        for r in notify.filter(status="RUNNING").only("args_kwargs")
    ]
    # Claimed by a worker that was killed, then run again by the next one (core.queue): its
    # e-mail may have gone out just before the kill, before the run was recorded (at least once).
    retried_codes = sorted(
        {
            all_codes.get(r.args_kwargs["args"][0], "?")
            for r in notify.only("args_kwargs", "worker_ids")
            if len(r.worker_ids or []) > 1
        }
    )
    return {
        "receipts": len(receipts),
        "whole": whole,
        "problems": problems[:20],
        "items": new.count(),
        "attachments": Attachment.objects.count(),
        "identities": ReporterIdentity.objects.count(),
        "items_without_events": no_events,
        "items_not_routed": not_routed,
        "orphan_identities": orphan_identities,
        "duplicate_codes": duplicate_codes,
        "duplicate_bodies": duplicate_bodies,
        "missing_media": len(referenced_media - media_files),
        "missing_sealed": len(referenced_sealed - sealed_files),
        "orphan_media_files": len(media_files - referenced_media),
        "orphan_sealed_files": len(sealed_files - referenced_sealed),
        "tasks": {name: dict(counter) for name, counter in sorted(tasks.items())},
        # Due and not run (a self-rescheduling task waiting for its time is not due).
        # (the notifications; housekeeping tasks re-schedule themselves and fall due any time)
        "tasks_due": notify.ready().count(),
        "tasks_running": DBTaskResult.objects.filter(status="RUNNING").count(),
        "tasks_failed": DBTaskResult.objects.filter(status="FAILED").count(),
        "notify_tasks": sum(per_call.values()),
        "notify_tasks_per_call_max": max(per_call.values(), default=0),
        "items_without_notify_task": sorted(codes[pk] for pk in set(codes) - notified),
        "notify_running_codes": running_codes,
        "notify_retried_codes": retried_codes,
        "mails": sum(mails.values()),
        "mails_expected": sum(expected.values()),
        # More e-mails than finished tasks (a task run twice, or half-run and lost).
        "codes_mailed_more": sorted(c for c in mails if mails[c] > expected.get(c, 0)),
        # A finished task without its e-mail.
        "codes_mailed_less": sorted(c for c in expected if mails.get(c, 0) < expected[c]),
    }


def main(argv: list[str]) -> int:
    _django()
    command = argv[1] if len(argv) > 1 else ""
    if command == "setup":
        out = cmd_setup()
    elif command == "soak-setup":
        out = cmd_soak_setup(int(argv[2]) if len(argv) > 2 else 2000)
    elif command == "context":
        out = cmd_context()
    elif command == "check":
        out = cmd_check(json.load(sys.stdin))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    print(json.dumps(out, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
