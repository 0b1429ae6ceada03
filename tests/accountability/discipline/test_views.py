"""The discipline pages through the test client: happy paths and bad input (no 500, text kept)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from langnghe.accountability.discipline import services
from langnghe.accountability.discipline.models import DisciplineDecision, StateNotice

pytestmark = pytest.mark.django_db


def test_create_form_narrows_forms_to_the_subject(world, client):
    client.force_login(world.users["inspector"])
    r = client.get(f"/quan-ly/ky-luat/moi/?subject=p{world.probationer.pk}")
    page = r.content.decode()
    assert r.status_code == 200
    assert 'value="reprimand"' in page and 'value="warning"' in page
    assert 'value="expulsion"' not in page and 'value="removal_from_post"' not in page
    r = client.get(f"/quan-ly/ky-luat/moi/?subject=o{world.cell.pk}")
    assert 'value="dissolution"' in r.content.decode()
    # The refresh button re-renders without saving and keeps the text typed.
    r = client.post(
        "/quan-ly/ky-luat/moi/",
        {"subject": f"p{world.cadre.pk}", "grounds": "Nội dung đang soạn", "refresh": "1"},
    )
    page = r.content.decode()
    assert r.status_code == 200 and "Nội dung đang soạn" in page
    assert 'value="expulsion"' in page and 'value="dissolution"' not in page
    assert DisciplineDecision.objects.count() == 0


def test_create_refuses_a_form_not_allowed_and_keeps_the_text(world, client):
    client.force_login(world.users["inspector"])
    r = client.post(
        "/quan-ly/ky-luat/moi/",
        {
            "deciding_body": world.party.pk,
            "subject": f"p{world.probationer.pk}",
            "form": "expulsion",
            "grounds": "Căn cứ đã nhập dài",
        },
    )
    page = r.content.decode()
    assert r.status_code == 200
    assert "Căn cứ đã nhập dài" in page
    assert "field--error" in page  # the form field refuses a choice KT-8 does not offer
    assert DisciplineDecision.objects.count() == 0


def test_create_removal_without_post_message(world, client):
    client.force_login(world.users["inspector"])
    r = client.post(
        "/quan-ly/ky-luat/moi/",
        {
            "deciding_body": world.party.pk,
            "subject": f"p{world.retired.pk}",
            "form": "removal_from_post",
            "grounds": "Căn cứ giữ lại",
        },
    )
    page = r.content.decode()
    assert r.status_code == 200 and "không giữ chức vụ" in page and "Căn cứ giữ lại" in page
    assert DisciplineDecision.objects.count() == 0


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"subject": "zzz", "form": "reprimand", "grounds": "x"},
        {"subject": "p999999", "form": "reprimand", "grounds": "x", "deciding_body": "abc"},
        {"subject": "o1", "form": "nope", "grounds": "\x00", "inspection": "-1"},
        {"subject": "p1", "form": "reprimand", "grounds": "x" * 30_000, "source_items": ["a"]},
    ],
)
def test_create_bad_input_never_500(world, client, data):
    client.force_login(world.users["inspector"])
    r = client.post("/quan-ly/ky-luat/moi/", data)
    assert r.status_code == 200
    assert DisciplineDecision.objects.count() == 0


def test_full_flow_through_the_pages(world, client):
    client.force_login(world.users["leader"])
    r = client.post(
        "/quan-ly/ky-luat/moi/",
        {
            "deciding_body": world.party.pk,
            "subject": f"p{world.cadre.pk}",
            "form": "reprimand",
            "grounds": "Gây phiền hà cho người dân.",
            "signer_title": "T/M Đảng ủy — Bí thư",
            "signer_name": "Nguyễn Văn Bí",
            "recipients": "Chi bộ cơ quan\nUBKT Đảng ủy xã",
        },
    )
    assert r.status_code == 302
    d = DisciplineDecision.objects.get()
    r = client.post(
        f"/quan-ly/ky-luat/{d.pk}/ban-hanh/", {"number": "", "decided_on": "32/13/2026"}
    )
    assert r.status_code == 200 and "Ngày không hợp lệ" in r.content.decode()
    r = client.post(
        f"/quan-ly/ky-luat/{d.pk}/ban-hanh/",
        {"number": "7-QĐ/ĐU", "decided_on": (timezone.localdate() + dt.timedelta(5)).isoformat()},
    )
    assert r.status_code == 200 and "không được sau ngày hôm nay" in r.content.decode()
    today = timezone.localdate().isoformat()
    r = client.post(
        f"/quan-ly/ky-luat/{d.pk}/ban-hanh/", {"number": "7-QĐ/ĐU", "decided_on": today}
    )
    assert r.status_code == 302
    r = client.get(f"/quan-ly/ky-luat/{d.pk}/in/")
    page = r.content.decode()
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in page and "7-QĐ/ĐU" in page
    assert "về việc thi hành kỷ luật" in page and "KHIỂN TRÁCH" in page
    assert "Chi bộ cơ quan" in page
    r = client.post(f"/quan-ly/ky-luat/{d.pk}/thong-bao/", {"notified_on": today})
    assert r.status_code == 302
    r = client.get(f"/quan-ly/ky-luat/{d.pk}/cong-khai/")
    assert r.status_code == 200
    r = client.post(
        f"/quan-ly/ky-luat/{d.pk}/cong-khai/",
        {"category": "dc1_10_inspection_discipline", "published_on": ""},
    )
    assert r.status_code == 302
    d.refresh_from_db()
    assert d.status == "published" and d.publication is not None
    # The list filters.
    r = client.get("/quan-ly/ky-luat/?form=reprimand&subject_type=full_member&status=published")
    assert "7-QĐ/ĐU" in r.content.decode()
    r = client.get("/quan-ly/ky-luat/?form=warning")
    assert "7-QĐ/ĐU" not in r.content.decode()
    r = client.get("/quan-ly/ky-luat/?form=<script>&status=zzz&trang=abc")
    assert r.status_code == 200


def test_notice_pages(world, client):
    client.force_login(world.users["state_leader"])
    r = client.post(
        "/quan-ly/ky-luat/thong-bao/moi/",
        {
            "issuing_org": world.commune.pk,
            "person": world.outsider.pk,
            "measure": "reprimand",
            "decided_on": timezone.localdate().isoformat(),
            "summary": "Lý do giữ lại",
        },
    )
    page = r.content.decode()
    assert r.status_code == 200 and "không cần thông báo" in page and "Lý do giữ lại" in page
    assert StateNotice.objects.count() == 0
    r = client.post(
        "/quan-ly/ky-luat/thong-bao/moi/",
        {"issuing_org": "x", "person": "", "measure": "bogus", "decided_on": "hôm qua"},
    )
    assert r.status_code == 200 and StateNotice.objects.count() == 0
    day = timezone.localdate() - dt.timedelta(days=9)
    r = client.post(
        "/quan-ly/ky-luat/thong-bao/moi/",
        {
            "issuing_org": world.commune.pk,
            "person": world.cadre.pk,
            "measure": "reprimand",
            "decided_on": day.isoformat(),
            "decision_number": "21/QĐ-UBND",
        },
    )
    assert r.status_code == 302
    n = StateNotice.objects.get()
    r = client.get("/quan-ly/ky-luat/thong-bao/")
    assert "Quá hạn, chưa gửi" in r.content.decode()
    r = client.get(f"/quan-ly/ky-luat/thong-bao/{n.pk}/in/")
    page = r.content.decode()
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in page and world.cell.name in page
    r = client.post(f"/quan-ly/ky-luat/thong-bao/{n.pk}/da-gui/", {"sent_on": "abc"})
    assert r.status_code == 200
    r = client.post(f"/quan-ly/ky-luat/thong-bao/{n.pk}/da-gui/", {"sent_on": day.isoformat()})
    assert r.status_code == 302
    n.refresh_from_db()
    assert n.sent_on == day and not n.is_late
    # Sent twice (another tab): the form is gone, the refusal says why at the top.
    r = client.post(f"/quan-ly/ky-luat/thong-bao/{n.pk}/da-gui/", {"sent_on": day.isoformat()})
    assert r.status_code == 200
    [refusal] = [m for m in r.context["messages"] if m.level_tag == "error"]
    assert str(refusal) in r.content.decode()
    # The receiving side (UBKT of the committee above the cell) sees the received notice.
    client.force_login(world.users["inspector"])
    assert world.cadre.full_name in client.get("/quan-ly/ky-luat/thong-bao/").content.decode()


def test_rule_status_page_and_forbidden(world, client):
    client.force_login(world.users["inspector"])
    page = client.get("/quan-ly/ky-luat/quy-dinh/").content.decode()
    assert "KT-10" in page and "KT-11" in page and "Khai trừ" in page
    client.force_login(world.users["handler"])
    assert client.get("/quan-ly/ky-luat/").status_code == 403
    assert client.get("/quan-ly/ky-luat/moi/").status_code == 403


def test_decided_decision_reachable_by_the_subject(world, client):
    d = services.decision_create(
        actor=world.users["inspector"],
        deciding_body=world.party,
        subject_person=world.cadre,
        form="warning",
        grounds="x",
    )
    client.force_login(world.users["cadre"])
    assert client.get("/quan-ly/ky-luat/").status_code == 403
    services.decision_decide(
        decision=d, actor=world.users["inspector"], number="9", decided_on=timezone.localdate()
    )
    r = client.get("/quan-ly/ky-luat/")
    assert r.status_code == 200 and "9" in r.content.decode()
