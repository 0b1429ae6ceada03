"""Report pages: the permission matrix over HTTP, bad input kept with a message, downloads."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from docx import Document

from langnghe.reports.models import Report, ReportFile
from langnghe.reports.services import ReportDraft, report_create, report_issue

URL = "/quan-ly/bao-cao/"


@pytest.fixture
def draft(tree, people):
    return report_create(
        draft=ReportDraft(organisation=tree.commune, period_kind="M", year=2026, month=1),
        actor=people.commune_leader,
    )


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("commune_leader", 200),
        ("head", 200),
        ("admin", 200),
        ("handler", 404),
        ("sibling_leader", 404),
        ("party_leader", 404),
    ],
)
def test_detail_matrix(draft, people, login, who, status):
    assert login(getattr(people, who)).get(f"{URL}{draft.pk}/").status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [("commune_leader", 302), ("head", 302), ("admin", 403), ("handler", 404)],
)
def test_issue_matrix(draft, people, login, who, status):
    response = login(getattr(people, who)).post(f"{URL}{draft.pk}/ban-hanh/")
    assert response.status_code == status
    assert Report.objects.get(pk=draft.pk).is_draft is (status != 302)


def test_list_is_for_report_roles(people, login):
    assert login(people.handler).get(URL).status_code == 403
    response = login(people.commune_leader).get(URL)
    assert response.status_code == 200 and "Lập báo cáo mới" in response.content.decode()
    response = login(people.admin).get(URL)
    assert response.status_code == 200 and "Lập báo cáo mới" not in response.content.decode()


def test_create_with_bad_input_keeps_the_form(tree, people, login):
    client = login(people.commune_leader)
    response = client.post(
        f"{URL}lap/", {"organisation": tree.commune.pk, "period_kind": "M", "year": "hai nghìn"}
    )
    assert response.status_code == 200
    assert 'value="hai nghìn"' in response.content.decode()
    response = client.post(
        f"{URL}lap/",
        {
            "organisation": tree.commune.pk,
            "period_kind": "adhoc",
            "year": "2026",
            "month": "5",
            "end_month": "3",
        },
    )
    assert response.status_code == 200 and "Tháng kết thúc" in response.content.decode()
    response = client.post(
        f"{URL}lap/", {"organisation": tree.sibling.pk, "period_kind": "M", "year": "2026"}
    )
    assert response.status_code == 200  # not a choice for this leader
    response = client.post(
        f"{URL}lap/", {"organisation": tree.commune.pk, "period_kind": "M", "year": "2099"}
    )
    assert response.status_code == 200 and "chưa bắt đầu" in response.content.decode()
    assert not Report.objects.exists()


def test_create_then_edit_then_issue(tree, people, login):
    client = login(people.commune_leader)
    response = client.post(
        f"{URL}lap/",
        {"organisation": tree.commune.pk, "period_kind": "Q1", "year": "2026", "month": "1"},
    )
    assert response.status_code == 302
    report = Report.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "Số: " in page and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in page
    data = {
        f: getattr(report, f)
        for f in (
            "header_parent",
            "header_issuer",
            "symbol",
            "place",
            "title",
            "summary",
            "assessment",
            "tasks",
            "recipients",
            "signer_capacity",
            "signer_title",
            "signer_name",
        )
    }
    for title in ("", "\u200b\u2060"):  # nothing, or only invisible characters
        bad = {**data, "title": title, "summary": "Nội dung đã gõ"}
        response = client.post(f"{URL}{report.pk}/", bad)
        assert response.status_code == 200 and "Nội dung đã gõ" in response.content.decode()
        assert Report.objects.get().summary == ""
    response = client.post(f"{URL}{report.pk}/", {**data, "summary": "Tình hình ổn định."})
    assert response.status_code == 302
    draft_docx = client.get(f"{URL}{report.pk}/tai/docx/")
    assert draft_docx.status_code == 200
    assert "DỰ THẢO" in [p.text for p in Document(io.BytesIO(draft_docx.content)).paragraphs]
    assert not ReportFile.objects.exists()  # drafts are generated, not kept
    assert client.post(f"{URL}{report.pk}/ban-hanh/").status_code == 302
    report.refresh_from_db()
    assert report.number == 1 and report.issued_on == timezone.localdate()
    issued = client.get(f"{URL}{report.pk}/tai/docx/")
    assert issued.content == bytes(ReportFile.objects.get(kind="docx").content)
    assert "so-01-" in issued["Content-Disposition"]
    response = client.post(f"{URL}{report.pk}/", {**data, "summary": "sửa sau khi ban hành"})
    assert response.status_code == 302
    assert Report.objects.get().summary == "Tình hình ổn định."
    xlsx = client.get(f"{URL}{report.pk}/tai/xlsx/")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert client.get(f"{URL}{report.pk}/tai/pdf/").status_code == 404


def test_issuing_twice_gives_a_message(draft, people, login):
    client = login(people.commune_leader)
    report_issue(report=draft, actor=people.commune_leader, on=dt.date(2026, 2, 2))
    response = client.post(f"{URL}{draft.pk}/ban-hanh/", follow=True)
    assert "đã được ban hành" in response.content.decode()
    assert Report.objects.get(pk=draft.pk).number == 1


def test_the_document_stays_in_vietnamese_for_an_english_reader(tree, people, login):
    client = login(people.commune_leader)
    client.cookies["django_language"] = "en"
    response = client.post(
        f"{URL}lap/",
        {"organisation": tree.commune.pk, "period_kind": "M", "year": "2026", "month": "2"},
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.title.endswith("tháng 02 năm 2026")
    page = client.get(response["Location"]).content.decode()
    assert "Bảng 1. Kết quả theo loại ý kiến" in page
