"""M9: the vault key file — never silently made outside development, comments skipped, rewritten
atomically, and kept out of the backup archives."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import stat
import tarfile
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import CommandError

from langnghe import cli
from langnghe.intake import vault
from langnghe.intake.models import ReporterIdentity

from ..factories import submit_one

NAME = "Hoàng Thị Xuân Mai"


def key_line(key_id: str = "k1") -> str:
    return f"{key_id}:{Fernet.generate_key().decode()}"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def key_path(settings, tmp_path):
    path = tmp_path / "keys" / "vault.key"
    settings.LANGNGHE = {**settings.LANGNGHE, "VAULT_KEY_FILE": path}
    return path


@pytest.fixture
def production_vault(settings, key_path):
    settings.LANGNGHE = {**settings.LANGNGHE, "VAULT_CREATE_KEY": False}
    return key_path


# --- creation ---------------------------------------------------------------------------------


def test_missing_key_file_is_an_error_outside_development(production_vault):
    with pytest.raises(vault.VaultError, match=f"vault key file missing: {production_vault}"):
        vault.seal({"name": NAME})
    assert not production_vault.exists()


def test_development_creates_the_key_once_with_mode_600(settings, key_path):
    settings.LANGNGHE = {**settings.LANGNGHE, "VAULT_CREATE_KEY": True}
    token, key_id = vault.seal({"name": NAME})
    assert key_path.is_file() and mode(key_path) == 0o600
    assert vault.unseal(token)["name"] == NAME
    assert vault.seal({"name": NAME})[1] == key_id  # not made again


def test_comments_and_blank_lines_are_skipped(production_vault):
    production_vault.parent.mkdir(parents=True)
    production_vault.write_text(f"# identity vault keys, newest first\n\n  {key_line('abcd')}\n\n")
    token, key_id = vault.seal({"name": NAME})
    assert key_id == "abcd" and vault.unseal(token)["name"] == NAME


def test_a_file_with_only_comments_has_no_key(production_vault):
    production_vault.parent.mkdir(parents=True)
    production_vault.write_text("# nothing yet\n")
    with pytest.raises(vault.VaultError, match="no key in"):
        vault.seal({"name": NAME})


# --- rotation ---------------------------------------------------------------------------------


def test_rotate_key_replaces_the_file_atomically(production_vault, monkeypatch):
    production_vault.parent.mkdir(parents=True)
    production_vault.write_text(key_line("old") + "\n")
    production_vault.chmod(0o600)
    token, _ = vault.seal({"name": NAME})
    synced: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd)))

    new_id = vault.rotate_key()
    assert synced  # flushed to disk before the rename
    assert [k for k, _ in vault.parse_keys(production_vault.read_text())] == [new_id, "old"]
    assert mode(production_vault) == 0o600
    assert vault.unseal(token)["name"] == NAME
    assert sorted(p.name for p in production_vault.parent.iterdir()) == ["vault.key"]


def test_a_crash_during_rotation_leaves_the_old_file_whole(production_vault, monkeypatch):
    production_vault.parent.mkdir(parents=True)
    before = key_line("old") + "\n"
    production_vault.write_text(before)

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        vault.rotate_key()
    assert production_vault.read_text() == before
    assert sorted(p.name for p in production_vault.parent.iterdir()) == ["vault.key"]


@pytest.mark.django_db
def test_drop_old_keeps_the_new_key_after_a_leading_comment(tree, production_vault):
    production_vault.parent.mkdir(parents=True)
    production_vault.write_text(f"# vault keys of the commune\n{key_line('old')}\n")
    submit_one(tree.commune, identity={"name": NAME})
    call_command("vault_rotate", "--drop-old", stdout=io.StringIO())
    keys = vault.parse_keys(production_vault.read_text())
    row = ReporterIdentity.objects.get()
    assert [k for k, _ in keys] == [row.key_id] and row.key_id != "old"
    assert vault.unseal(row.ciphertext)["name"] == NAME
    assert mode(production_vault) == 0o600


@pytest.mark.django_db
def test_drop_old_refuses_while_an_identity_is_under_an_old_key(
    tree, production_vault, monkeypatch
):
    """A submission sealed with the old key that lands after every pass keeps the old key."""
    production_vault.parent.mkdir(parents=True)
    production_vault.write_text(key_line("old") + "\n")
    submit_one(tree.commune, identity={"name": NAME})
    monkeypatch.setattr(
        "langnghe.intake.management.commands.vault_rotate.Command._reencrypt_identities",
        lambda self, new_id: 0,
    )
    with pytest.raises(CommandError, match="still sealed under an old key"):
        call_command("vault_rotate", "--drop-old", stdout=io.StringIO())
    assert "old" in [k for k, _ in vault.parse_keys(production_vault.read_text())]
    assert vault.unseal(ReporterIdentity.objects.get().ciphertext)["name"] == NAME


@pytest.mark.django_db
def test_rotation_without_a_key_file_explains_init(production_vault):
    with pytest.raises(CommandError, match="vault_rotate --init"):
        call_command("vault_rotate", stdout=io.StringIO())
    assert not production_vault.exists()


@pytest.mark.django_db
def test_init_makes_the_first_key_only_on_a_new_deployment(tree, production_vault):
    out = io.StringIO()
    call_command("vault_rotate", "--init", stdout=out)
    assert production_vault.is_file() and mode(production_vault) == 0o600
    with pytest.raises(CommandError, match="already exists"):
        call_command("vault_rotate", "--init", stdout=io.StringIO())

    submit_one(tree.commune, identity={"name": NAME})
    production_vault.unlink()  # the volume went missing
    with pytest.raises(CommandError, match="sealed records exist"):
        call_command("vault_rotate", "--init", stdout=io.StringIO())
    assert not production_vault.exists()


# --- backup and restore -----------------------------------------------------------------------


@pytest.fixture
def data(tmp_path, monkeypatch):
    """A data directory of its own for `langnghe backup/restore`, on SQLite whatever the suite's
    database is."""
    root = tmp_path / "data"
    paths = {
        "data": root,
        "keys": root / "keys",
        "media": root / "media",
        "sealed": root / "sealed",
        "vault_key": root / "keys" / "vault.key",
        "backups": root / "backups",
    }
    for name in ("keys", "media", "sealed"):
        paths[name].mkdir(parents=True)
    paths["vault_key"].write_text(key_line("current") + "\n")
    paths["vault_key"].chmod(0o600)
    (paths["keys"] / "receipt_pepper").write_text("pepper")
    (paths["keys"] / ".vault.key.x1y2.tmp").write_text(key_line("leftover"))  # a crashed rotation
    (paths["media"] / "a.jpg").write_bytes(b"jpeg")
    db_path = root / "langnghe.sqlite3"
    with sqlite3.connect(db_path) as connection:
        connection.execute("CREATE TABLE t (x)")
    monkeypatch.setattr(cli, "_data_paths", lambda: dict(paths))
    monkeypatch.setattr(
        cli, "_database", lambda: {"ENGINE": "django.db.backends.sqlite3", "NAME": str(db_path)}
    )
    return paths


def members(archive: Path) -> list[str]:
    with tarfile.open(archive) as tar:
        return tar.getnames()


def restore(archive: Path, *extra: str) -> int:
    args = cli.build_parser().parse_args(["restore", str(archive), "--yes", *extra])
    return cli.cmd_restore(args)


def test_backup_leaves_the_vault_key_out_by_default(data, capsys):
    cli.cmd_backup(cli.build_parser().parse_args(["backup"]))
    (archive,) = data["backups"].glob("*.tar.gz")
    names = members(archive)
    assert "keys/receipt_pepper" in names and "media/a.jpg" in names
    assert not [n for n in names if "vault" in n]
    assert not list(data["backups"].glob("*.vault.key"))
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["vault_key_excluded"] is True and "vault_key_file" not in manifest
    assert "vault key is not in it" in capsys.readouterr().out


def test_include_vault_key_writes_it_next_to_the_archive(data, capsys):
    cli.cmd_backup(cli.build_parser().parse_args(["backup", "--include-vault-key"]))
    (archive,) = data["backups"].glob("*.tar.gz")
    (key_copy,) = data["backups"].glob("*.vault.key")
    assert key_copy.name == archive.name.removesuffix(".tar.gz") + ".vault.key"
    assert key_copy.read_bytes() == data["vault_key"].read_bytes()
    assert mode(key_copy) == 0o600 and mode(archive) == 0o600
    assert not [n for n in members(archive) if "vault" in n]  # still not inside
    assert "keep it apart" in capsys.readouterr().out


def test_restore_keeps_the_current_key_when_the_archive_has_none(data, capsys):
    archive = cli.make_backup()
    current = data["vault_key"].read_bytes()
    assert restore(archive) == 0
    assert data["vault_key"].read_bytes() == current and mode(data["vault_key"]) == 0o600
    assert (data["keys"] / "receipt_pepper").read_text() == "pepper"
    out = capsys.readouterr().out
    assert "kept the current vault key" in out and "WARNING" not in out


def test_restore_warns_when_no_key_anywhere(data, capsys):
    archive = cli.make_backup()
    data["vault_key"].unlink()
    assert restore(archive, "--no-safety-backup") == 0
    assert not data["vault_key"].exists()
    assert "WARNING: the archive holds no vault key and there is none at" in capsys.readouterr().out


def test_restore_installs_the_separate_key_file(data, capsys):
    archive = cli.make_backup(include_vault_key=True)
    saved = cli.vault_key_copy_path(archive)
    expected = data["vault_key"].read_bytes()
    data["vault_key"].write_text(key_line("other") + "\n")
    assert restore(archive, "--vault-key", str(saved)) == 0
    assert data["vault_key"].read_bytes() == expected and mode(data["vault_key"]) == 0o600
    # The key it replaced went into the safety backup's own key file.
    (safety_key,) = data["backups"].glob("pre-restore-*.vault.key")
    assert "other:" in safety_key.read_text()


def test_restore_refuses_a_file_that_is_not_a_key(data, tmp_path, capsys):
    archive = cli.make_backup()
    bogus = tmp_path / "bogus.key"
    bogus.write_text("not a key\n")
    assert restore(archive, "--vault-key", str(bogus)) == 1
    assert "is not a vault key file" in capsys.readouterr().out


def test_restore_of_an_older_archive_with_the_key_inside(data, tmp_path):
    archive = cli.make_backup()
    old_key = key_line("archived") + "\n"
    legacy = tmp_path / "legacy.tar.gz"
    unpacked = tmp_path / "unpacked"
    with tarfile.open(archive) as tar:
        tar.extractall(unpacked, filter="data")
    (unpacked / "keys" / "vault.key").write_text(old_key)
    with tarfile.open(legacy, "w:gz") as tar:
        for item in sorted(unpacked.iterdir()):
            tar.add(item, arcname=item.name)
    assert restore(legacy, "--no-safety-backup") == 0
    assert data["vault_key"].read_text() == old_key
