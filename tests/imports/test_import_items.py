"""import_items: validation report, all-or-nothing, idempotent re-runs, CSV and XLSX, permission."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from openpyxl import Workbook

from langnghe.imports.mapping import mapping_examples, mapping_load, mapping_parse
from langnghe.imports.models import ImportedRow
from langnghe.imports.readers import sheet_read
from langnghe.imports.services import import_run, report_csv
from langnghe.intake import vault
from langnghe.intake.models import Channel, Item, Kind
from langnghe.orgs.models import Role
from tests.factories import user

pytestmark = pytest.mark.django_db

HEADER = [
    "Số đơn",
    "Ngày nhận",
    "Họ tên",
    "Địa chỉ",
    "Điện thoại",
    "CCCD",
    "Loại đơn",
    "Nội dung",
    "Số người",
]
ROWS = [
    [
        "12/2025",
        "03/02/2025",
        "Trần Thị Bình",
        "Thôn 3, xã Sa Thầy",
        "0905 123 456",
        "001234567890",
        "KN",
        "Khiếu nại quyết định thu hồi đất",
        "1",
    ],
    [
        "13/2025",
        "4/2/2025",
        "Lê Văn Cường",
        "Thôn 1",
        "",
        "",
        "KN (kiến nghị)",
        "Kiến nghị sửa đường liên thôn",
        "1",
    ],
    [
        "14/2025",
        "05/02/2025",
        "Phạm Văn Dũng",
        "Thôn 2",
        "",
        "",
        "PA",
        "Phản ánh đèn đường hỏng",
        "6",
    ],
]


def write_csv(path: Path, rows: list[list[str]], *, delimiter: str = ";", bom: bool = True) -> Path:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(HEADER)
    writer.writerows(rows)
    path.write_bytes((("\ufeff" if bom else "") + out.getvalue()).encode())
    return path


def write_xlsx(path: Path, rows: list[list[object]], *, title_rows: int = 0) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    for n in range(title_rows):
        sheet.append([f"SỔ THEO DÕI ĐƠN THƯ {n}"])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


@pytest.fixture
def receptionist(tree):
    return user("tiepnhan_import", grants=[(tree.commune, Role.RECEPTIONIST)])


def run(path: Path, org, by: str, *extra: str, mapping: str = "petition_register") -> str:
    out = io.StringIO()
    call_command(
        "import_items",
        str(path),
        "--org",
        org.slug,
        "--mapping",
        mapping,
        "--by",
        by,
        *extra,
        stdout=out,
        stderr=io.StringIO(),
    )
    return out.getvalue()


def test_valid_csv_imports_every_row_with_sealed_identity(tree, receptionist, tmp_path):
    path = write_csv(tmp_path / "so-don.csv", ROWS)
    output = run(path, tree.commune, receptionist.username)

    assert "Đã nhập 3 dòng" in output
    items = Item.objects.order_by("received_at")
    assert items.count() == 3
    first = items[0]
    assert first.kind == Kind.COMPLAINT
    assert first.channel == Channel.LETTER
    assert first.receiving_org == tree.commune
    assert first.created_by == receptionist
    assert first.channel_detail == {"import": {"file": "so-don.csv", "row": 2, "ref": "12/2025"}}
    assert timezone.localdate(first.received_at) == dt.date(2025, 2, 3)
    # The identity is in the vault, not in the item's text.
    assert "Trần Thị Bình" not in first.body
    sealed = vault.unseal(first.identity.ciphertext)
    assert sealed["name"] == "Trần Thị Bình"
    assert sealed["phone"] == "0905123456"
    assert sealed["id_number"] == "001234567890"
    assert ImportedRow.objects.count() == 3
    report = (tmp_path / "so-don.bao-cao.csv").read_text(encoding="utf-8-sig")
    assert "đã nhập" in report


def test_kind_value_map_decides_kn(tree, receptionist, tmp_path):
    run(write_csv(tmp_path / "a.csv", ROWS), tree.commune, receptionist.username)
    by_ref = {r.source_ref: r.item.kind for r in ImportedRow.objects.select_related("item")}
    assert by_ref == {
        "12/2025": Kind.COMPLAINT,
        "13/2025": Kind.RECOMMENDATION,
        "14/2025": Kind.FEEDBACK,
    }


def test_dates_are_day_month_year(tree, receptionist, tmp_path):
    rows = [ROWS[0][:1] + ["01/12/2024"] + ROWS[0][2:]]
    run(write_csv(tmp_path / "a.csv", rows), tree.commune, receptionist.username)
    assert timezone.localdate(Item.objects.get().received_at) == dt.date(2024, 12, 1)


def test_invalid_row_is_reported_and_nothing_is_imported(tree, receptionist, tmp_path):
    rows = [
        ROWS[0],
        ["15/2025", "31/02/2025", "A", "", "", "", "KN", "Nội dung", "1"],  # no 31 February
        ["16/2025", "06/02/2025", "B", "", "", "123", "XX", "", "1"],  # bad ID, kind, no body
        ROWS[2],
    ]
    path = write_csv(tmp_path / "loi.csv", rows)
    with pytest.raises(CommandError) as exc:
        run(path, tree.commune, receptionist.username)
    assert exc.value.returncode == 1
    assert Item.objects.count() == 0
    assert ImportedRow.objects.count() == 0
    report = list(
        csv.reader(io.StringIO((tmp_path / "loi.bao-cao.csv").read_text(encoding="utf-8-sig")))
    )
    errors = [(r[0], r[1]) for r in report[1:] if r[2] == "lỗi"]
    assert ("3", "Ngày nhận") in errors
    assert ("4", "CCCD") in errors
    assert ("4", "Loại đơn") in errors
    assert ("4", "Nội dung") in errors
    assert not any(r[0] in ("2", "5") for r in report[1:])


def test_failure_inside_the_spine_rolls_back_every_row(tree, receptionist, tmp_path, monkeypatch):
    """A row the service refuses after earlier rows went in: the whole file is rolled back."""
    from langnghe.core.errors import IntakeError
    from langnghe.imports import services

    real = services.item_submit
    calls = {"n": 0}

    def flaky(**kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise IntakeError(IntakeError.INVALID, "Hệ thống bận, vui lòng gửi lại.")
        return real(**kwargs)

    monkeypatch.setattr(services, "item_submit", flaky)
    with pytest.raises(CommandError):
        run(write_csv(tmp_path / "a.csv", ROWS), tree.commune, receptionist.username)
    assert Item.objects.count() == 0
    assert ImportedRow.objects.count() == 0


def test_rerun_imports_nothing_new(tree, receptionist, tmp_path):
    path = write_csv(tmp_path / "a.csv", ROWS)
    run(path, tree.commune, receptionist.username)
    output = run(path, tree.commune, receptionist.username)
    assert "Đã nhập 0 dòng" in output
    assert "bỏ qua 3 dòng" in output
    assert Item.objects.count() == 3
    # One more row appended: only that one is new.
    write_csv(
        path,
        [*ROWS, ["17/2025", "07/02/2025", "Đỗ Văn Em", "", "", "", "TC", "Tố cáo cán bộ", "1"]],
    )
    run(path, tree.commune, receptionist.username)
    assert Item.objects.count() == 4


def test_rows_without_reference_are_keyed_by_content(tree, receptionist, tmp_path):
    rows = [["", *r[1:]] for r in ROWS]
    path = write_csv(tmp_path / "a.csv", rows, delimiter=",", bom=False)
    run(path, tree.commune, receptionist.username)
    run(path, tree.commune, receptionist.username)
    assert Item.objects.count() == 3


def test_duplicate_reference_within_file_is_an_error(tree, receptionist, tmp_path):
    path = write_csv(tmp_path / "a.csv", [ROWS[0], ROWS[0]])
    with pytest.raises(CommandError):
        run(path, tree.commune, receptionist.username)
    assert Item.objects.count() == 0


def test_xlsx_with_title_rows_and_date_cells(tree, receptionist, tmp_path):
    rows: list[list[object]] = [list(r) for r in ROWS]
    rows[0][1] = dt.datetime(2025, 2, 3)  # a real date cell
    rows[0][8] = 1  # a number cell
    path = write_xlsx(tmp_path / "so.xlsx", rows, title_rows=2)
    output = run(path, tree.commune, receptionist.username)
    assert "Đã nhập 3 dòng" in output
    item = Item.objects.get(channel_detail__import__ref="12/2025")
    assert timezone.localdate(item.received_at) == dt.date(2025, 2, 3)
    assert item.channel_detail["import"]["row"] == 4


def test_dry_run_imports_nothing(tree, receptionist, tmp_path):
    path = write_csv(tmp_path / "a.csv", ROWS)
    output = run(path, tree.commune, receptionist.username, "--dry-run")
    assert "3 dòng hợp lệ" in output
    assert Item.objects.count() == 0
    assert ImportedRow.objects.count() == 0


@pytest.mark.parametrize(
    ("role", "where", "allowed"),
    [
        (Role.RECEPTIONIST, "commune", True),
        (Role.LEADER, "commune", True),
        (Role.RECEPTIONIST, "province", True),  # a grant covers the subtree
        (Role.HANDLER, "commune", False),
        (Role.UNIT_HEAD, "commune", False),
        (Role.ADMIN, "commune", False),
        (Role.RECEPTIONIST, "sibling", False),
    ],
)
def test_permission_matrix(tree, tmp_path, role, where, allowed):
    staff = user(grants=[(getattr(tree, where), role)])
    path = write_csv(tmp_path / "a.csv", ROWS)
    if allowed:
        run(path, tree.commune, staff.username)
        assert Item.objects.count() == 3
    else:
        with pytest.raises(CommandError, match="tiếp nhận hoặc lãnh đạo"):
            run(path, tree.commune, staff.username)
        assert Item.objects.count() == 0


def test_reception_log_mapping_reads_mau_03_layout(tree, receptionist, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["SỔ TIẾP CÔNG DÂN"])
    sheet.append(
        [
            "STT",
            "Ngày tiếp",
            "Họ tên, địa chỉ",
            "CCCD/Hộ chiếu",
            "Tóm tắt nội dung",
            "Loại đơn (KN, TC, KN, PA)",
            "Số người cùng nội dung",
            "Ghi chú",
        ]
    )
    sheet.append(["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)"])
    sheet.append(
        [
            1,
            "10/03/2025",
            "Nguyễn Văn An, thôn 4, xã Sa Thầy",
            "001234567891",
            "Khiếu nại việc bồi thường",
            "KN",
            1,
            "",
        ]
    )
    sheet.append(
        [
            2,
            "10/03/2025",
            "Hồ Thị Hoa",
            "",
            "Tranh chấp ranh giới; đề nghị xem xét",
            "KN, TC",
            1,
            "",
        ]
    )
    path = tmp_path / "so-tiep.xlsx"
    workbook.save(path)

    run(path, tree.commune, receptionist.username, mapping="reception_log")

    first = Item.objects.get(channel_detail__import__ref="1/10/03/2025")
    assert first.channel == Channel.CITIZEN_RECEPTION
    assert vault.unseal(first.identity.ciphertext)["address"] == "thôn 4, xã Sa Thầy"
    # One register row with two kinds: two items (TCD-10), one idempotency row.
    assert sorted(
        Item.objects.filter(channel_detail__import__row=5).values_list("kind", flat=True)
    ) == [Kind.COMPLAINT, Kind.DENUNCIATION]
    assert ImportedRow.objects.count() == 2


def test_tcd13_group_needs_representatives(tree, receptionist, tmp_path):
    rows = [["20/2025", "05/02/2025", "", "", "", "", "PA", "Nhóm phản ánh", "6"]]
    # No name at all: anonymous, no representatives needed.
    run(write_csv(tmp_path / "a.csv", rows), tree.commune, receptionist.username)
    assert Item.objects.get().group_size == 6
    # With a name, the sender is the representative.
    run(write_csv(tmp_path / "b.csv", [ROWS[2]]), tree.commune, receptionist.username)
    item = Item.objects.get(channel_detail__import__ref="14/2025")
    assert vault.unseal(item.identity.ciphertext)["representatives"] == ["Phạm Văn Dũng"]


def test_future_date_and_bad_file_type_are_refused(tree, receptionist, tmp_path):
    future = (timezone.localdate() + dt.timedelta(days=3)).strftime("%d/%m/%Y")
    path = write_csv(tmp_path / "a.csv", [ROWS[0][:1] + [future] + ROWS[0][2:]])
    with pytest.raises(CommandError):
        run(path, tree.commune, receptionist.username)
    bad = tmp_path / "a.txt"
    bad.write_text("x")
    with pytest.raises(CommandError, match=r"\.csv hoặc \.xlsx"):
        run(bad, tree.commune, receptionist.username)
    assert Item.objects.count() == 0


def test_mapping_errors_are_clear():
    from langnghe.imports.mapping import MappingError

    with pytest.raises(MappingError):
        mapping_parse({"columns": {"body": "Nội dung"}, "default_kind": "feedback"})
    with pytest.raises(MappingError):
        mapping_parse({"columns": {"received_at": "Ngày", "body": "X"}, "kinds": {"KN": "nope"}})
    for path in mapping_examples().values():
        assert mapping_load(path).columns


def test_report_neutralises_formulas(tree, receptionist):
    sheet = sheet_read("a.csv", ("Số đơn;Ngày nhận;Loại đơn;Nội dung\n1;=cmd;KN;x\n").encode())
    report = import_run(
        sheet=sheet,
        mapping=mapping_load(mapping_examples()["petition_register"]).__class__(
            **{
                **mapping_load(mapping_examples()["petition_register"]).__dict__,
                "columns": {
                    "source_ref": ["số đơn"],
                    "received_at": ["ngày nhận"],
                    "kind": ["loại đơn"],
                    "body": ["nội dung"],
                },
            }
        ),
        org=tree.commune,
        actor=receptionist,
        file_name="a.csv",
    )
    assert not report.ok
    assert all(not line.startswith("=") for line in report_csv(report).splitlines())


def test_by_is_required_except_for_a_dry_run(tree, tmp_path):
    path = write_csv(tmp_path / "a.csv", ROWS)
    with pytest.raises(CommandError, match="--by"):
        call_command(
            "import_items",
            str(path),
            "--org",
            tree.commune.slug,
            "--mapping",
            "petition_register",
            stdout=io.StringIO(),
        )
    out = io.StringIO()
    call_command(
        "import_items",
        str(path),
        "--org",
        tree.commune.slug,
        "--mapping",
        "petition_register",
        "--dry-run",
        stdout=out,
        stderr=io.StringIO(),
    )
    assert "3 dòng hợp lệ" in out.getvalue()
    assert Item.objects.count() == 0


def test_progress_reports_each_imported_row(tree, receptionist, tmp_path):
    calls: list[tuple[int, int]] = []
    sheet = sheet_read("a.csv", write_csv(tmp_path / "a.csv", ROWS).read_bytes())
    mapping = mapping_load(mapping_examples()["petition_register"])
    report = import_run(
        sheet=sheet,
        mapping=mapping,
        org=tree.commune,
        actor=receptionist,
        file_name="a.csv",
        progress=lambda d, t: calls.append((d, t)),
    )
    assert report.ok
    assert calls == [(1, 3), (2, 3), (3, 3)]
