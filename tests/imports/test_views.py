"""The back-office import page: upload → check (dry run) → confirm; bad input never a 500."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from langnghe.imports.models import ImportedRow
from langnghe.intake.models import Item
from langnghe.orgs.models import Role
from tests.factories import user

from .test_import_items import ROWS, write_csv

pytestmark = pytest.mark.django_db
URL = reverse("imports_backoffice:index")


@pytest.fixture
def staff(client, tree):
    u = user(grants=[(tree.commune, Role.RECEPTIONIST)])
    client.force_login(u)
    return u


def upload(client, org, path, mapping="petition_register"):
    with open(path, "rb") as handle:
        return client.post(
            URL,
            {
                "organisation": org.pk,
                "mapping": mapping,
                "file": SimpleUploadedFile(path.name, handle.read()),
            },
        )


def test_check_then_confirm_imports(client, tree, staff, tmp_path):
    response = upload(client, tree.commune, write_csv(tmp_path / "a.csv", ROWS))
    assert response.status_code == 200
    assert Item.objects.count() == 0  # the check is a dry run
    token = re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)
    response = client.post(reverse("imports_backoffice:confirm"), {"token": token})
    assert response.status_code == 200
    assert Item.objects.count() == 3
    assert ImportedRow.objects.count() == 3
    # The token cannot be replayed: the sealed upload is gone.
    response = client.post(reverse("imports_backoffice:confirm"), {"token": token})
    assert response.status_code == 200
    assert Item.objects.count() == 3


def test_invalid_rows_are_listed_without_confirm_button(client, tree, staff, tmp_path):
    rows = [ROWS[0], ["15/2025", "2025-02-03", "A", "", "", "", "KN", "x", "1"]]
    response = upload(client, tree.commune, write_csv(tmp_path / "a.csv", rows))
    body = response.content.decode()
    assert response.status_code == 200
    assert "dd/mm/yyyy" in body
    assert 'name="token"' not in body
    assert Item.objects.count() == 0


@pytest.mark.parametrize("content", [b"\xff\xfe garbage", b"", b"PK\x03\x04 not a zip"])
def test_bad_files_never_500(client, tree, staff, tmp_path, content):
    for name in ("a.csv", "a.xlsx", "a.exe"):
        response = client.post(
            URL,
            {
                "organisation": tree.commune.pk,
                "mapping": "petition_register",
                "file": SimpleUploadedFile(name, content or b"x"),
            },
        )
        assert response.status_code == 200
    assert Item.objects.count() == 0


def test_bad_custom_mapping_is_a_message(client, tree, staff, tmp_path):
    path = write_csv(tmp_path / "a.csv", ROWS)
    response = client.post(
        URL,
        {
            "organisation": tree.commune.pk,
            "mapping_file": SimpleUploadedFile("m.yaml", b"columns: [unclosed"),
            "file": SimpleUploadedFile("a.csv", path.read_bytes()),
        },
    )
    assert response.status_code == 200
    assert "YAML" in response.content.decode()


@pytest.mark.parametrize(
    "mapping",
    [
        b'name: "x\\ud800"\ncolumns: {received_at: A, body: B}\n',
        b'columns: {"\\ud800": A}\n',
        b'name: "x\\0"\ncolumns: {received_at: A, body: B}\n',
    ],
)
def test_a_mapping_with_a_nul_or_a_lone_surrogate_is_a_message(
    client, tree, staff, tmp_path, mapping
):
    """YAML's escapes make a NUL or half a surrogate pair out of ASCII: no database, audit
    record or page can hold them (the audit hash and the page raised UnicodeEncodeError)."""
    path = write_csv(tmp_path / "a.csv", ROWS)
    response = client.post(
        URL,
        {
            "organisation": tree.commune.pk,
            "mapping_file": SimpleUploadedFile("m.yaml", mapping),
            "file": SimpleUploadedFile("a.csv", path.read_bytes()),
        },
    )
    assert response.status_code == 200
    assert "không đúng định dạng" in response.content.decode()
    assert Item.objects.count() == 0


def test_an_xlsx_with_malformed_sheet_xml_is_a_message(client, tree, staff):
    """A sheet whose XML holds a character reference XML forbids (&#x1;): the reader's
    ParseError (a SyntaxError) answered 500."""
    import io
    import zipfile

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Ngày nhận", "Nội dung"])
    book.active.append(["2025-02-03", "PLACEHOLDER"])
    buffer = io.BytesIO()
    book.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.startswith("xl/"):
                data = data.replace(b"PLACEHOLDER", b"&#x1;")
            target.writestr(info, data)
    assert b"&#x1;" in b"".join(
        zipfile.ZipFile(io.BytesIO(broken.getvalue())).read(n)
        for n in zipfile.ZipFile(io.BytesIO(broken.getvalue())).namelist()
    )
    response = client.post(
        URL,
        {
            "organisation": tree.commune.pk,
            "mapping": "petition_register",
            "file": SimpleUploadedFile("a.xlsx", broken.getvalue()),
        },
    )
    assert response.status_code == 200
    assert "Không đọc được tệp Excel" in response.content.decode()
    assert Item.objects.count() == 0


def test_forged_token_is_refused(client, tree, staff):
    response = client.post(reverse("imports_backoffice:confirm"), {"token": "nope"})
    assert response.status_code == 200
    assert "hết hạn" in response.content.decode()


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.RECEPTIONIST, 200), (Role.LEADER, 200), (Role.HANDLER, 403), (Role.INSPECTOR, 403)],
)
def test_page_access(client, tree, role, status):
    client.force_login(user(grants=[(tree.commune, role)]))
    assert client.get(URL).status_code == status


def test_anonymous_goes_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302


def test_out_of_scope_org_is_not_a_choice(client, tree, staff, tmp_path):
    response = upload(client, tree.sibling, write_csv(tmp_path / "a.csv", ROWS))
    assert response.status_code == 200
    assert 'name="token"' not in response.content.decode()
    assert Item.objects.count() == 0


def test_token_of_another_user_is_refused(client, tree, staff, tmp_path):
    response = upload(client, tree.commune, write_csv(tmp_path / "a.csv", ROWS))
    token = re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)
    client.force_login(user(grants=[(tree.commune, Role.RECEPTIONIST)]))
    client.post(reverse("imports_backoffice:confirm"), {"token": token})
    assert Item.objects.count() == 0
