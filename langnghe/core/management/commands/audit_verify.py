"""Verify the audit trail's hash chain (docs/security.md §4).

    manage.py audit_verify                      # chain the new rows, then check every link
    manage.py audit_verify --no-chain           # check only (read-only)
    manage.py audit_verify --anchor 1234:9f…    # also check a head noted earlier elsewhere

Exit code 0 when every link holds; 1 with the first broken link otherwise. The last line names the
chain head (position and hash): note it outside this server (a ticket, a signed e-mail, paper) and
pass it later with --anchor to detect a chain rebuilt from scratch.
"""

from __future__ import annotations

import re

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from langnghe.core.audit import audit_chain_extend, audit_chain_verify
from langnghe.core.models import AuditEvent

ANCHOR_RE = re.compile(r"^(\d+):([0-9a-f]{64})$")


class Command(BaseCommand):
    help = "Check the audit trail's hash chain and print its head (an anchor to note elsewhere)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-chain", action="store_true", help="do not link new rows first (read-only)"
        )
        parser.add_argument(
            "--anchor", help="POSITION:HASH of a chain head noted earlier, to be found unchanged"
        )

    def handle(self, *args, no_chain: bool = False, anchor: str | None = None, **options):
        anchor_pair: tuple[int, str] | None = None
        if anchor:
            match = ANCHOR_RE.match(anchor.strip().lower())
            if not match:
                raise CommandError("--anchor must be POSITION:HASH (64 hex digits)")
            anchor_pair = (int(match.group(1)), match.group(2))
        if not no_chain:
            linked = audit_chain_extend()
            if linked:
                self.stdout.write(f"{linked} new events linked to the chain.")
        total = AuditEvent.objects.filter(chain_seq__isnull=False).count()
        with tqdm(total=total, desc="audit events", unit="ev", disable=None) as bar:
            report = audit_chain_verify(progress=bar.update, anchor=anchor_pair)
        if report.broken is not None:
            raise CommandError(f"AUDIT TRAIL TAMPERED: {report.broken}", returncode=1)
        if report.unchained:
            self.stdout.write(self.style.WARNING(f"{report.unchained} events are not chained yet."))
        self.stdout.write(
            self.style.SUCCESS(f"Audit chain intact: {report.checked} events verified.")
        )
        self.stdout.write(f"Anchor (note it elsewhere): {report.head_seq}:{report.head_hash}")
