"""The DOCX in the official layout (FM-1, FM-2, FM-6, FM-7, FM-8), checked in the file itself
and, when LibreOffice is installed, page by page in the PDF it renders."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document

from langnghe.reports.services import ReportDraft, report_create, report_issue

from ..stats.conftest import make_item

A4_POINTS = (595.3, 841.9)


def mm(length) -> int:
    """A length in whole millimetres (Word stores twentieths of a point)."""
    return round(length.mm)


def _report(org, actor, **data):
    report = report_create(
        draft=ReportDraft(organisation=org, period_kind="M", year=2026, month=3), actor=actor
    )
    for key, value in data.items():
        setattr(report, key, value)
    report.save()
    return report_issue(report=report, actor=actor, on=dt.date(2026, 4, 3))


@pytest.fixture
def party_report(tree, people):
    for day in (2, 9, 16):
        make_item(
            tree.party,
            received=dt.date(2026, 3, day),
            closed=dt.date(2026, 3, 20),
            due=dt.date(2026, 3, 25),
        )
    return _report(
        tree.party,
        people.party_leader,
        summary="Tình hình chính trị ổn định.\n" * 30,
        signer_name="Nguyễn Văn An",
    )


@pytest.fixture
def state_report(tree, people):
    return _report(tree.commune, people.commune_leader, signer_name="Trần Thị Bình")


def _docx(report):
    return Document(io.BytesIO(bytes(report.files.get(kind="docx").content)))


def test_fm2_state_page_is_a4_with_its_margins_and_font(state_report):
    section = _docx(state_report).sections[0]
    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)  # A4 portrait
    assert (mm(section.top_margin), mm(section.bottom_margin)) == (20, 20)
    assert (mm(section.left_margin), mm(section.right_margin)) == (30, 15)
    assert _docx(state_report).styles["Normal"].font.name == "Times New Roman"


def test_fm8_party_margins(party_report):
    section = _docx(party_report).sections[0]
    assert (mm(section.top_margin), mm(section.bottom_margin)) == (25, 25)
    assert (mm(section.left_margin), mm(section.right_margin)) == (35, 15)


def test_fm2_page_numbers_from_page_two(party_report):
    section = _docx(party_report).sections[0]
    assert section.different_first_page_header_footer
    assert "PAGE" in section.header._element.xml
    assert "PAGE" not in section.first_page_header._element.xml


def test_fm6_fm7_party_components(party_report):
    doc = _docx(party_report)
    left, right = doc.tables[0].rows[0].cells
    # The tree's party committee has no parent, so no parent line above the issuer.
    assert left.text.split("\n") == ["ĐẢNG ỦY XÃ SA THẦY", "*", "Số 01-BC/ĐU"]
    assert left.paragraphs[0].runs[0].bold
    title = right.paragraphs[0].runs[0]
    assert title.text == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert title.bold and title.font.size.pt == 15  # FM-7
    place = right.paragraphs[1].runs[0]
    assert place.italic and place.text == "Sa Thầy, ngày 03 tháng 4 năm 2026"
    texts = [p.text for p in doc.paragraphs]
    assert "BÁO CÁO" in texts
    assert any(t.startswith("I. TÌNH HÌNH CHUNG") for t in texts)
    sign = doc.tables[-1].rows[0].cells
    assert sign[0].paragraphs[0].text == "Nơi nhận:"
    assert "BÍ THƯ" in sign[1].text and "Nguyễn Văn An" in sign[1].text


def test_fm1_state_components(state_report):
    doc = _docx(state_report)
    left, right = doc.tables[0].rows[0].cells
    assert "Số: 01/BC-UBND" in left.text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right.text
    assert "Độc lập - Tự do - Hạnh phúc" in right.text
    assert "ngày 03 tháng 4 năm 2026" in right.text
    sign = doc.tables[-1].rows[0].cells
    assert "TM. ỦY BAN NHÂN DÂN" in sign[1].text and "CHỦ TỊCH" in sign[1].text


def test_the_body_has_tables_and_a_chart(party_report):
    doc = _docx(party_report)
    headings = [[c.text for c in t.rows[0].cells] for t in doc.tables[1:-1]]
    assert ["Loại ý kiến", "Tiếp nhận", "Đã trả lời", "Đúng hạn", "Trễ hạn"] in headings
    assert len(doc.inline_shapes) == 1  # the monthly chart (PNG)


soffice = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(soffice is None, reason="LibreOffice (soffice) is not installed")
def test_pdf_pages_show_the_layout(party_report, tmp_path):
    from pypdf import PdfReader

    source = tmp_path / "report.docx"
    source.write_bytes(bytes(party_report.files.get(kind="docx").content))
    subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    reader = PdfReader(str(Path(tmp_path) / "report.pdf"))
    assert len(reader.pages) >= 2
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - A4_POINTS[0]) < 2 and abs(height - A4_POINTS[1]) < 2
    first = reader.pages[0].extract_text()
    for expected in ("ĐẢNG CỘNG SẢN VIỆT NAM", "Số 01-BC/ĐU", "BÁO CÁO", "ĐẢNG ỦY XÃ SA THẦY"):
        assert expected in first, expected
    assert "Sa Thầy, ngày 03 tháng 4 năm 2026" in " ".join(first.split())
    whole = "\n".join(p.extract_text() for p in reader.pages)
    assert "Loại ý kiến" in whole and "Nơi nhận:" in whole and "BÍ THƯ" in whole

    # Page numbers: none on page 1, "2" alone at the top of page 2 (FM-2, FM-8).
    def top_lines(page):
        found = []

        def visit(text, cm, tm, font, size):
            if text.strip():
                found.append((tm[5], tm[4], text.strip()))

        page.extract_text(visitor_text=visit)
        return sorted(found, reverse=True)

    assert top_lines(reader.pages[1])[0][2] == "2"
    assert top_lines(reader.pages[0])[0][2] != "1"
    # The left margin of the party layout (35 mm = 99 pt): no body text starts left of it.
    xs = [x for _y, x, _t in top_lines(reader.pages[1]) if x > 0]
    assert min(xs) >= 35 / 25.4 * 72 - 3
