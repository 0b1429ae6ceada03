"""The back office and the public page through HTTP: access per role, bad input, privacy."""

from __future__ import annotations

import pytest
from django.urls import reverse

from langnghe.accountability.supervision import services
from langnghe.accountability.supervision.models import Recommendation, Supervision

from .helpers import D, answered_item, front_item, plan, run_to_result, supervision

pytestmark = pytest.mark.django_db
NAME = "Trần Thị Bích"
PHONE = "0905111222"


@pytest.fixture
def published(world):
    item = front_item(
        world, identity={"name": NAME, "phone": PHONE}, body=f"Tôi là {NAME}, đường hỏng"
    )
    s = supervision(world, items=[item], grounds=["petitions"])
    s = services.supervision_send_decision(
        supervision=s,
        decision_number="7/QĐ",
        decision_date=s.first_session_on - D(days=17),
        sent_on=s.first_session_on - D(days=16),
        actor=world.liaison,
    )
    s = services.supervision_record_report(
        supervision=s, received_on=s.first_session_on - D(days=8), actor=world.liaison
    )
    services.supervision_record_session(
        supervision=s, held_on=s.first_session_on, actor=world.liaison
    )
    s.refresh_from_db()
    s = services.supervision_record_result(
        supervision=s,
        report_on=s.first_session_on + D(days=5),
        summary=f"Bà {NAME} ({PHONE}) phản ánh đúng; UBND xã chậm trả lời.",
        actor=world.liaison,
    )
    r1 = services.recommendation_issue(
        supervision=s,
        content=f"Trả lời bà {NAME} trong tháng",
        addressees=["supervised", "next_front"],
        sent_on=world.today - D(days=1),
        actor=world.liaison,
    )
    services.recommendation_answer(
        recommendation=r1,
        response="Đã trả lời",
        outcome="accepted",
        responded_on=world.today,
        actor=world.unit_head,
    )
    services.recommendation_issue(
        supervision=s,
        content="Công khai kết quả",
        addressees=["supervised"],
        sent_on=world.today,
        actor=world.liaison,
    )
    return services.supervision_publish(supervision=s, actor=world.liaison)


def test_public_page_shows_results_and_no_names(client, world, published):
    r = client.get(reverse("supervision:index"))
    assert r.status_code == 200
    body = r.content.decode()
    assert published.topic in body and world.tree.commune.name in body
    d = client.get(reverse("supervision:detail", args=[published.pk]))
    text = d.content.decode()
    assert d.status_code == 200 and "Đã trả lời" in text and "UBND xã chậm trả lời" in text
    for page in (body, text):
        assert NAME not in page and PHONE not in page
        assert "đường hỏng" not in page  # no item text
    assert "2 kiến nghị · 1 đã trả lời · 1 được tiếp thu" in text


def test_unpublished_supervision_is_not_public(client, world):
    s = supervision(world)
    assert client.get(reverse("supervision:detail", args=[s.pk])).status_code == 404
    assert s.topic not in client.get(reverse("supervision:index")).content.decode()
    assert client.get("/giam-sat/abc/").status_code == 404


def test_anonymous_back_office_redirects_to_login(client, world, published):
    for url in (
        reverse("supervision_backoffice:index"),
        reverse("supervision_backoffice:supervision", args=[published.pk]),
        reverse("supervision_backoffice:reopen_list"),
    ):
        r = client.get(url)
        assert r.status_code == 302 and "login" in r["Location"] or "dang-nhap" in r["Location"]


def test_back_office_access_per_role(client, world, published):
    rec = published.recommendations.first()
    pages = {
        "index": reverse("supervision_backoffice:index"),
        "sup": reverse("supervision_backoffice:supervision", args=[published.pk]),
        "print": reverse("supervision_backoffice:decision_print", args=[published.pk]),
        "rec": reverse("supervision_backoffice:recommendation", args=[rec.pk]),
        "rec_print": reverse("supervision_backoffice:recommendation_print", args=[rec.pk]),
        "plans": reverse("supervision_backoffice:plans"),
        "hearings": reverse("supervision_backoffice:hearings"),
        "reopen": reverse("supervision_backoffice:reopen_list"),
    }
    expect = {
        "liaison": dict(
            index=200,
            sup=200,
            print=200,
            rec=200,
            rec_print=200,
            plans=200,
            hearings=200,
            reopen=200,
        ),
        "unit_head": dict(
            index=200,
            sup=200,
            print=404,
            rec=200,
            rec_print=404,
            plans=403,
            hearings=403,
            reopen=403,
        ),
        "other_liaison": dict(
            index=200,
            sup=404,
            print=404,
            rec=404,
            rec_print=404,
            plans=200,
            hearings=200,
            reopen=200,
        ),
        "handler": dict(
            index=403,
            sup=404,
            print=404,
            rec=404,
            rec_print=404,
            plans=403,
            hearings=403,
            reopen=403,
        ),
        "admin": dict(
            index=403,
            sup=404,
            print=404,
            rec=404,
            rec_print=404,
            plans=403,
            hearings=403,
            reopen=403,
        ),
    }
    for who, codes in expect.items():
        client.force_login(getattr(world, who))
        for key, code in codes.items():
            assert client.get(pages[key]).status_code == code, (who, key)
    client.force_login(world.liaison)
    doc = client.get(pages["print"]).content.decode()
    assert "ỦY BAN MTTQ VIỆT NAM XÃ SA THẦY" in doc and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in doc
    assert "@media print" in doc and "size: A4" in doc
    assert NAME not in client.get(pages["sup"]).content.decode().split("Kết quả giám sát")[0]


def test_plan_and_supervision_forms_bad_input_keep_text(client, world):
    client.force_login(world.liaison)
    r = client.post(
        reverse("supervision_backoffice:plans"),
        {
            "front": world.front.pk,
            "year": "abc",
            "title": "Kế hoạch của tôi",
            "adopted_on": "32/13/2026",
        },
    )
    assert r.status_code == 400 and "Kế hoạch của tôi" in r.content.decode()
    r = client.post(
        reverse("supervision_backoffice:plans"),
        {
            "front": world.front.pk,
            "year": world.today.year,
            "title": "KH",
            "adopted_on": world.today.isoformat(),
        },
    )
    assert r.status_code == 302
    p = world.front.supervision_plans.get()
    url = reverse("supervision_backoffice:plan", args=[p.pk])
    r = client.post(
        url,
        {
            "supervised_org": world.tree.commune.pk,
            "topic": "Chủ đề dài",
            "content": "ND",
            "form": "team",
            "grounds": ["petitions"],
            "first_session_on": world.today.isoformat(),
        },
    )
    assert (
        r.status_code == 400 and "MT-4" in r.content.decode() and "Chủ đề dài" in r.content.decode()
    )
    assert not Supervision.objects.exists()
    r = client.post(
        url,
        {
            "supervised_org": world.tree.commune.pk,
            "topic": "T",
            "content": "ND",
            "form": "team",
            "grounds": ["programme"],
            "first_session_on": world.today.isoformat(),
        },
    )
    assert r.status_code == 302


def test_steps_through_views_and_bad_input(client, world):
    s = supervision(world, first=world.today - D(days=20))
    client.force_login(world.liaison)
    step = lambda name: reverse("supervision_backoffice:step", args=[s.pk, name])  # noqa: E731
    r = client.post(step("decision"), {"decision_number": "", "decision_date": "x", "sent_on": ""})
    assert r.status_code == 400
    r = client.post(step("report"), {"report-day": world.today.isoformat()})
    assert r.status_code == 400 and "Không thể thực hiện bước này" in r.content.decode()
    r = client.post(
        step("decision"),
        {
            "decision_number": "3/QĐ",
            "decision_date": (world.today - D(days=40)).isoformat(),
            "sent_on": (world.today - D(days=30)).isoformat(),
        },
    )
    assert r.status_code == 302
    assert client.post(step("nope"), {}).status_code == 404
    client.force_login(world.unit_head)
    assert client.post(step("report"), {"report-day": world.today.isoformat()}).status_code == 403


def test_answer_recommendation_through_the_view(client, world):
    s = run_to_result(world, supervision(world, first=world.today - D(days=30)))
    rec = services.recommendation_issue(
        supervision=s,
        content="K",
        addressees=["supervised"],
        sent_on=world.today,
        actor=world.liaison,
    )
    url = reverse("supervision_backoffice:recommendation", args=[rec.pk])
    client.force_login(world.unit_head)
    r = client.post(
        url,
        {
            "action": "answer",
            "response": "Trả lời của tôi",
            "outcome": "",
            "responded_on": world.today.isoformat(),
        },
    )
    assert r.status_code == 400 and "Trả lời của tôi" in r.content.decode()
    r = client.post(
        url,
        {
            "action": "answer",
            "response": "Đã làm",
            "outcome": "partly",
            "responded_on": world.today.isoformat(),
        },
    )
    assert r.status_code == 302
    rec.refresh_from_db()
    assert rec.status == Recommendation.Status.ANSWERED and rec.outcome == "partly"
    client.force_login(world.liaison)
    assert (
        client.post(
            url,
            {
                "action": "answer",
                "response": "X",
                "outcome": "accepted",
                "responded_on": world.today.isoformat(),
            },
        ).status_code
        == 403
    )
    r = client.post(url, {"action": "follow_up", "note": "Đã kiểm tra", "close": "on"})
    assert r.status_code == 302
    rec.refresh_from_db()
    assert rec.status == "closed"


def test_reopen_view(client, world):
    item, _ = answered_item(world)
    client.force_login(world.liaison)
    lst = client.get(reverse("supervision_backoffice:reopen_list"))
    assert item.code in lst.content.decode()
    url = reverse("supervision_backoffice:reopen", args=[item.pk])
    r = client.post(url, {"reason": ""})
    assert r.status_code == 400 and "Vui lòng nhập lý do" in r.content.decode()
    r = client.post(url, {"reason": "Xử lý chưa đúng"})
    assert r.status_code == 302
    item.refresh_from_db()
    assert item.handling_org == world.tree.province and item.escalated_at
    client.force_login(world.other_liaison)
    assert client.get(url).status_code == 404
    client.force_login(world.unit_head)
    assert client.get(url).status_code == 403


def test_hearing_view_bad_input(client, world):
    plan(world)
    client.force_login(world.liaison)
    url = reverse("supervision_backoffice:hearings")
    r = client.post(
        url,
        {
            "front": world.front.pk,
            "body": world.council.pk,
            "held_on": "hôm qua",
            "title": "Kỳ họp",
        },
    )
    assert r.status_code == 400 and "Kỳ họp" in r.content.decode()
    r = client.post(
        url,
        {
            "front": world.front.pk,
            "body": world.council.pk,
            "held_on": world.today.isoformat(),
            "title": "Kỳ họp",
        },
    )
    assert r.status_code == 302
