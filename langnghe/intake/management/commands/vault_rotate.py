"""Rotate the identity vault key: a new key first in the key file, every identity and sealed
original re-encrypted with it, then (with --drop-old) the old keys removed."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from tqdm import tqdm

from langnghe.core.audit import audit_event_record
from langnghe.intake import vault
from langnghe.intake.models import Attachment, ReporterIdentity


class Command(BaseCommand):
    help = "Rotate the identity vault key and re-encrypt every sealed record."

    def add_arguments(self, parser):
        parser.add_argument(
            "--drop-old", action="store_true", help="remove the old keys afterwards"
        )

    def handle(self, *args, drop_old: bool = False, **options):
        new_id = vault.rotate_key()
        ids = list(ReporterIdentity.objects.values_list("pk", flat=True))
        for pk in tqdm(ids, desc="identities", disable=None):
            with transaction.atomic():
                row = ReporterIdentity.objects.select_for_update().get(pk=pk)
                row.ciphertext, row.key_id = vault.reencrypt(row.ciphertext)
                row.save(update_fields=["ciphertext", "key_id"])
        root = Path(settings.SEALED_ROOT)
        for att in tqdm(list(Attachment.objects.all()), desc="sealed files", disable=None):
            path = root / att.sealed_path
            if path.exists():
                token, _ = vault.reencrypt(path.read_bytes())
                tmp = path.with_suffix(".tmp")
                tmp.write_bytes(token)
                tmp.replace(path)
        if drop_old:
            key_file = Path(settings.LANGNGHE["VAULT_KEY_FILE"])
            first = key_file.read_text().splitlines()[0]
            key_file.write_text(first + "\n")
        audit_event_record(
            action="vault.rotated", actor_label="command", data={"key_id": new_id, "rows": len(ids)}
        )
        self.stdout.write(
            self.style.SUCCESS(f"Vault key {new_id}: {len(ids)} identities re-encrypted.")
        )
