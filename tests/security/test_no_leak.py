"""No leak: a database dump alone reveals no identity and no IP address; the vault key lives
outside the database and can be rotated (the dump stays useless to whoever holds an old key
only after --drop-old)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from langnghe.intake import vault
from langnghe.intake.models import ReporterIdentity
from langnghe.intake.services import identity_reveal
from langnghe.orgs.models import Role

from ..factories import submit_one, user

pytestmark = pytest.mark.django_db

NAME = "Phạm Thị Hồng Nhung"
PHONE = "0912345678"
EMAIL = "hongnhung.pham@example.vn"
ID_NUMBER = "079301004567"
ADDRESS = "Số 12 đường Lê Lợi, thôn Kon Trang"
SECRETS = (NAME, PHONE, EMAIL, ID_NUMBER, ADDRESS)
CLIENT_IP = "203.0.113.77"


def identity() -> dict[str, str]:
    return {
        "name": NAME,
        "phone": PHONE,
        "email": EMAIL,
        "id_number": ID_NUMBER,
        "address": ADDRESS,
    }


def dumpdata() -> str:
    out = io.StringIO()
    call_command("dumpdata", "--all", "--natural-foreign", stdout=out)
    return out.getvalue()


def raw_dump() -> str:
    """Every row of every table as the database engine returns it (what a stolen backup holds)."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return "\n".join(connection.connection.iterdump())
    lines = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names from the schema
            lines.append(repr(cursor.fetchall()))
    return "\n".join(lines)


def assert_no_identity(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, secret
    # Nor in the JSON escapes dumpdata may use for non-ASCII text.
    for secret in SECRETS:
        assert json.dumps(secret)[1:-1] not in text, secret


def submit_everything(tree, client) -> None:
    """Identities through the service (each kind, one revealed by a receptionist) and through
    the public form (with the client address set)."""
    from langnghe.intake.models import Kind

    for kind in (Kind.FEEDBACK, Kind.COMPLAINT, Kind.DENUNCIATION):
        submit_one(tree.commune, kind=kind, identity=identity(), wants_notifications=True)
    item, _ = submit_one(tree.commune, identity=identity())
    receptionist = user(grants=[(tree.commune, Role.RECEPTIONIST)])
    assert identity_reveal(item=item, actor=receptionist, reason="Mời đối thoại")["name"] == NAME


def test_a_database_dump_alone_reveals_no_identity(tree, client):
    submit_everything(tree, client)
    assert ReporterIdentity.objects.count() == 4
    assert_no_identity(dumpdata())
    assert_no_identity(raw_dump())
    # The ciphertexts are in the dump, and only the key file opens them.
    assert vault.unseal(ReporterIdentity.objects.first().ciphertext)["phone"] == PHONE


def test_without_the_key_file_the_ciphertexts_cannot_be_opened(tree, settings, tmp_path):
    submit_one(tree.commune, identity=identity())
    token = bytes(ReporterIdentity.objects.get().ciphertext)
    # The thief's copy: the dump without the key file.
    settings.LANGNGHE = {
        **settings.LANGNGHE,
        "VAULT_KEY_FILE": tmp_path / "missing.key",
        "VAULT_CREATE_KEY": False,
    }
    with pytest.raises(vault.VaultError, match="missing"):
        vault.unseal(token)
    # Or with a key of their own making.
    wrong = tmp_path / "wrong.key"
    wrong.write_text(f"x:{Fernet.generate_key().decode()}\n")
    settings.LANGNGHE = {**settings.LANGNGHE, "VAULT_KEY_FILE": wrong}
    with pytest.raises(vault.VaultError, match="cannot be decrypted"):
        vault.unseal(token)


def test_the_key_file_is_outside_the_database(tree, settings):
    submit_one(tree.commune, identity=identity())
    key_path = Path(settings.LANGNGHE["VAULT_KEY_FILE"])
    keys = vault.parse_keys(key_path.read_text())
    dump = dumpdata() + raw_dump()
    for _key_id, key in keys:
        assert key.decode() not in dump


def test_rotation_reencrypts_and_an_old_key_then_opens_nothing(tree, settings, tmp_path):
    key_path = tmp_path / "keys" / "vault.key"
    settings.LANGNGHE = {**settings.LANGNGHE, "VAULT_KEY_FILE": key_path}
    submit_one(tree.commune, identity=identity())
    before = bytes(ReporterIdentity.objects.get().ciphertext)
    old_key_text = key_path.read_text()
    call_command("vault_rotate", "--drop-old", stdout=io.StringIO())
    row = ReporterIdentity.objects.get()
    assert bytes(row.ciphertext) != before
    assert vault.unseal(row.ciphertext)["name"] == NAME
    assert len(vault.parse_keys(key_path.read_text())) == 1
    # Whoever kept the old key file (a stolen backup of it) opens only the old dumps.
    stolen = tmp_path / "stolen.key"
    stolen.write_text(old_key_text)
    settings.LANGNGHE = {**settings.LANGNGHE, "VAULT_KEY_FILE": stolen}
    with pytest.raises(vault.VaultError):
        vault.unseal(row.ciphertext)


def test_submissions_and_logins_keep_no_ip_address(tree, client, settings):
    """Lắng Nghe never stores a client address (settings LANGNGHE["KEEP_IP_ADDRESSES"] is
    False and nothing reads it): not for a submission, not for a login, not in the audit."""
    assert settings.LANGNGHE["KEEP_IP_ADDRESSES"] is False
    from langnghe.intake.models import Kind

    response = client.post(
        "/gop-y/",
        {
            "kind": Kind.FEEDBACK,
            "title": "Đèn đường hỏng",
            "body": "Đèn đường thôn 2 hỏng đã một tháng.",
            "group_size": "1",
            "name": NAME,
            "phone": PHONE,
            "contact_address": ADDRESS,
            "id_number": ID_NUMBER,
            "email": EMAIL,
        },
        REMOTE_ADDR=CLIENT_IP,
        HTTP_X_FORWARDED_FOR=CLIENT_IP,
    )
    assert response.status_code in (200, 302)
    from langnghe.intake.models import Item

    assert Item.objects.exists(), response.content.decode()[:500]
    staff = user("canbo", grants=[(tree.commune, Role.HANDLER)])
    client.post(
        "/quan-ly/dang-nhap/", {"username": "canbo", "password": "sai"}, REMOTE_ADDR=CLIENT_IP
    )
    client.post(
        "/quan-ly/dang-nhap/", {"username": "canbo", "password": "pw"}, REMOTE_ADDR=CLIENT_IP
    )
    assert staff.pk
    dump = dumpdata() + raw_dump()
    assert CLIENT_IP not in dump
    assert_no_identity(dump)
