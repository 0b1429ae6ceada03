"""Identity vault (DESIGN.md §4, TC-16, TCD-9d) and attachment sanitising."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection

from langnghe.core.errors import IntakeError, NotFound, PermissionDenied
from langnghe.core.models import AuditEvent
from langnghe.intake import vault
from langnghe.intake.models import Attachment, Item, Kind, ReporterIdentity
from langnghe.intake.services import attachment_sealed_original, identity_reveal, item_by_receipt
from langnghe.orgs.models import Role

from ..factories import submit_one, user

NAME = "Hoàng Thị Xuân Mai"


def jpeg_with_gps() -> bytes:
    from PIL import Image

    img = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (14.0, 24.0, 0.0)}  # GPS IFD
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif)
    return out.getvalue()


@pytest.mark.django_db
def test_identity_is_encrypted_at_rest_and_absent_from_a_dump(tree):
    item, _ = submit_one(
        tree.commune, identity={"name": NAME, "phone": "0987654321", "id_number": "062190001234"}
    )
    with connection.cursor() as cursor:
        for table in (
            "intake_reporteridentity",
            "intake_item",
            "core_auditevent",
            "handling_itemevent",
        ):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608
            dump = repr(cursor.fetchall())
            assert NAME not in dump and "0987654321" not in dump and "062190001234" not in dump
    assert vault.unseal(ReporterIdentity.objects.get().ciphertext)["name"] == NAME
    assert item.reporter_label.startswith("Người gửi #")


@pytest.mark.django_db
def test_TC_16_reveal_needs_role_and_reason_and_is_audited(tree):
    receptionist = user(grants=[(tree.commune, Role.RECEPTIONIST)])
    handler = user(grants=[(tree.commune, Role.HANDLER)])
    for kind in (Kind.FEEDBACK, Kind.DENUNCIATION):
        item, _ = submit_one(tree.commune, kind=kind, identity={"name": NAME})
        with pytest.raises(PermissionDenied):
            identity_reveal(item=item, actor=handler, reason="Cần liên hệ")
        with pytest.raises(IntakeError):
            identity_reveal(item=item, actor=receptionist, reason="")
        assert (
            identity_reveal(item=item, actor=receptionist, reason="Mời đối thoại")["name"] == NAME
        )
        assert (
            AuditEvent.objects.filter(
                action="identity.revealed", object_id=item.pk, actor=receptionist
            ).count()
            == 1
        )


@pytest.mark.django_db
def test_vault_key_rotation_reencrypts_everything(tree, settings, tmp_path):
    settings.LANGNGHE = {**settings.LANGNGHE, "VAULT_KEY_FILE": tmp_path / "vault.key"}
    item, _ = submit_one(tree.commune, identity={"name": NAME}, uploads=[jpeg_with_gps()])
    old_key_id = ReporterIdentity.objects.get().key_id
    call_command("vault_rotate", "--drop-old", stdout=io.StringIO())
    row = ReporterIdentity.objects.get()
    assert row.key_id != old_key_id
    assert len((tmp_path / "vault.key").read_text().splitlines()) == 1
    assert vault.unseal(row.ciphertext)["name"] == NAME
    receptionist = user(grants=[(tree.commune, Role.RECEPTIONIST)])
    original = attachment_sealed_original(
        attachment=Attachment.objects.get(), actor=receptionist, reason="Kiểm tra gốc"
    )
    assert original == jpeg_with_gps() or original[:2] == b"\xff\xd8"


@pytest.mark.django_db
def test_attachments_are_stripped_of_metadata_and_original_sealed(tree):
    from PIL import Image

    data = jpeg_with_gps()
    item, _ = submit_one(tree.commune, uploads=[data])
    att = item.attachments.get()
    with Image.open(att.file.path) as img:
        assert not img.getexif()  # no GPS, no device
    import hashlib

    assert att.original_sha256 == hashlib.sha256(data).hexdigest()
    assert b"PhoneMaker" not in open(att.file.path, "rb").read()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "payload", [b"MZ\x90\x00 not an image", b"", b"%PDF-1.4 broken", b"\x89PNG\r\n\x1a\n broken"]
)
def test_bad_files_are_refused_and_nothing_is_saved(tree, payload):
    with pytest.raises(IntakeError):
        submit_one(tree.commune, uploads=[payload])
    assert Item.objects.count() == 0 and ReporterIdentity.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("body", ["", "   ", "x" * 10_001, "có ký tự\x00rỗng"])
def test_bad_bodies_are_refused_with_a_message(tree, body):
    with pytest.raises(IntakeError) as err:
        submit_one(tree.commune, body=body, identity={"name": NAME})
    assert str(err.value.message)
    assert Item.objects.count() == 0 and ReporterIdentity.objects.count() == 0


@pytest.mark.django_db
def test_receipt_needs_both_parts(tree):
    item, secret = submit_one(tree.commune)
    assert item_by_receipt(code=item.code.lower().replace("-", ""), secret=secret.lower()) == item
    for code, sec in [
        (item.code, "WRONG-SECRET"),
        ("26-AAAAAA", secret),
        ("", ""),
        (item.code, "x" * 500),
    ]:
        with pytest.raises(NotFound):
            item_by_receipt(code=code, secret=sec)


@pytest.mark.django_db
def test_every_staff_read_of_a_denunciation_is_audited(tree):
    from langnghe.intake.services import access_item

    handler = user(grants=[(tree.commune, Role.HANDLER)])
    sibling = user(grants=[(tree.sibling, Role.HANDLER)])
    denunciation, _ = submit_one(tree.commune, kind=Kind.DENUNCIATION)
    feedback, _ = submit_one(tree.commune, kind=Kind.FEEDBACK)
    access_item(handler, denunciation.pk)
    access_item(handler, feedback.pk)
    with pytest.raises(NotFound):
        access_item(sibling, denunciation.pk)
    reads = AuditEvent.objects.filter(action="item.sealed_read")
    assert list(reads.values_list("object_id", "actor")) == [(denunciation.pk, handler.pk)]
