"""Text pasted with control characters (a vertical tab or a form feed from a word processor)
reaches the documents the site writes: python-docx refuses such a paragraph and openpyxl such a
cell, which answered 500 for the whole file. The characters XML cannot hold are dropped there
(core.text.xml_text); the rest of the text is kept."""

from __future__ import annotations

import csv
import io
import re

import pytest
from docx import Document
from openpyxl import load_workbook

from langnghe.intake.models import Item
from langnghe.reports.models import Report
from langnghe.reports.services import EDITABLE

from ..factories import submit_one

URL = "/quan-ly/bao-cao/"
PASTED = "Đường\x0bthôn 3\x0chỏng\x01 nặng"
KEPT = "Đườngthôn 3hỏng nặng"
# In a report: a one-line field has its whitespace (a vertical tab is some) made spaces, a
# multi-line one is a paragraph per line; the title is set in capitals.
WORDS = re.compile(r"đường\s*thôn 3\s*hỏng\s*nặng")


def test_an_items_export_keeps_the_text_without_what_xlsx_cannot_hold(tree, people, login):
    item, _secret = submit_one(tree.commune, title=PASTED, body="Mặt đường\x0bsụt lún")
    assert Item.objects.get(pk=item.pk).title == PASTED  # kept as the citizen typed it
    client = login(people.commune_leader)
    params = {"don_vi": tree.commune.pk, "do": "received"}
    xlsx = client.get("/quan-ly/thong-ke/y-kien/xuat/", {**params, "dinh_dang": "xlsx"})
    assert xlsx.status_code == 200
    cells = [c.value for row in load_workbook(io.BytesIO(xlsx.content)).active for c in row]
    assert KEPT in cells
    csv_file = client.get("/quan-ly/thong-ke/y-kien/xuat/", {**params, "dinh_dang": "csv"})
    text = b"".join(csv_file.streaming_content).decode("utf-8-sig")
    assert KEPT in [value for row in csv.reader(io.StringIO(text)) for value in row]


def _text(docx: bytes) -> str:
    """The document's text, its paragraphs run together: a multi-line field is written a
    paragraph per line, and Python reads a vertical tab or a form feed as a line break."""
    return "".join(p.text for p in Document(io.BytesIO(docx)).paragraphs).lower()


@pytest.mark.parametrize("field", ["summary", "title"])
def test_a_report_with_pasted_control_characters_is_written_and_issued(tree, people, login, field):
    client = login(people.commune_leader)
    created = client.post(
        f"{URL}lap/",
        {"organisation": tree.commune.pk, "period_kind": "M", "year": "2026", "month": "1"},
    )
    assert created.status_code == 302
    report = Report.objects.get()
    data = {name: getattr(report, name) for name in EDITABLE}
    assert client.post(f"{URL}{report.pk}/", {**data, field: PASTED}).status_code == 302
    draft = client.get(f"{URL}{report.pk}/tai/docx/")
    assert draft.status_code == 200
    assert WORDS.search(_text(draft.content))
    assert client.post(f"{URL}{report.pk}/ban-hanh/").status_code == 302
    issued = client.get(f"{URL}{report.pk}/tai/docx/")
    assert issued.status_code == 200
    assert WORDS.search(_text(issued.content))
