"""Rotate the identity vault key: a new key first in the key file, every identity and sealed
original re-encrypted with it, then (with --drop-old) the old keys removed.

`--init` makes the first key of a new deployment instead (production never makes one on its own:
see `langnghe.intake.vault`)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from tqdm import tqdm

from langnghe.core.audit import audit_event_record
from langnghe.intake import vault
from langnghe.intake.models import Attachment, ReporterIdentity

# Submissions keep arriving during a rotation; a request that read the key file just before the
# new key was prepended seals with the old key and may commit after a pass has listed the rows.
# Each pass picks up what the previous one could not have seen; the old keys are dropped only
# when no identity row is left under them.
MAX_PASSES = 5


class Command(BaseCommand):
    help = "Rotate the identity vault key and re-encrypt every sealed record."

    def add_arguments(self, parser):
        parser.add_argument(
            "--drop-old", action="store_true", help="remove the old keys afterwards"
        )
        parser.add_argument(
            "--init",
            action="store_true",
            help="create the first key of a new deployment (the key file must not exist)",
        )

    def handle(self, *args, drop_old: bool = False, init: bool = False, **options):
        if init:
            return self._init()
        try:
            new_id = vault.rotate_key()
        except vault.VaultError as exc:
            raise CommandError(
                f"{exc}. Mount or restore the key file; a new deployment creates its first key "
                "with `vault_rotate --init`."
            ) from exc
        rows = self._reencrypt_identities(new_id)
        files = self._reencrypt_files()
        if drop_old:
            left = ReporterIdentity.objects.exclude(key_id=new_id).count()
            if left:
                raise CommandError(
                    f"{left} identities are still sealed under an old key (submissions kept "
                    "arriving): the old keys were kept; run `vault_rotate --drop-old` again in a "
                    "quieter moment."
                )
            vault.drop_old_keys(new_id)
        audit_event_record(
            action="vault.rotated",
            actor_label="command",
            data={"key_id": new_id, "rows": rows, "files": files, "dropped_old": drop_old},
        )
        self.stdout.write(
            self.style.SUCCESS(f"Vault key {new_id}: {rows} identities re-encrypted.")
        )
        return None

    def _init(self) -> None:
        path = vault.key_file()
        if path.exists():
            raise CommandError(f"vault key file already exists: {path}")
        if ReporterIdentity.objects.exists() or Attachment.objects.exists():
            # Sealed records exist, so a key existed: the file is missing, not new.
            raise CommandError(
                f"vault key file missing: {path}, but sealed records exist; restore the key "
                "file from its separate backup instead of creating a new one"
            )
        key_id = vault.create_key_file(path)
        audit_event_record(action="vault.created", actor_label="command", data={"key_id": key_id})
        self.stdout.write(self.style.SUCCESS(f"Vault key {key_id} created in {path}."))

    def _reencrypt_identities(self, new_id: str) -> int:
        done = 0
        for _ in range(MAX_PASSES):
            ids = list(ReporterIdentity.objects.exclude(key_id=new_id).values_list("pk", flat=True))
            if not ids:
                break
            for pk in tqdm(ids, desc="identities", disable=None):
                with transaction.atomic():
                    row = ReporterIdentity.objects.select_for_update().filter(pk=pk).first()
                    if row is None or row.key_id == new_id:
                        continue
                    row.ciphertext, row.key_id = vault.reencrypt(row.ciphertext)
                    row.save(update_fields=["ciphertext", "key_id"])
                    done += 1
        return done

    def _reencrypt_files(self) -> int:
        from langnghe.core.storage import sealed_read, sealed_replace

        done = 0
        last_pk = 0
        for _ in range(MAX_PASSES):
            batch = list(Attachment.objects.filter(pk__gt=last_pk).order_by("pk"))
            if not batch:
                break
            for att in tqdm(batch, desc="sealed files", disable=None):
                try:
                    old = sealed_read(att.sealed_path)
                except FileNotFoundError:
                    continue
                token, _ = vault.reencrypt(old)
                sealed_replace(att.sealed_path, token)
                done += 1
            last_pk = batch[-1].pk
        return done
