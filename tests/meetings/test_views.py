"""Views through the test client: pages, forms, bad input (200 with a message, nothing saved),
out-of-scope objects (404), forbidden acts (403), and privacy of citizens on public pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from langnghe.intake.models import Item
from langnghe.meetings import services
from langnghe.meetings.models import (
    AnnualPlan,
    Conference,
    ConferenceStatus,
    RaisedIssue,
    VoterSupport,
)

from .conftest import conference, held

pytestmark = pytest.mark.django_db


@pytest.fixture
def login(client):
    def _login(u):
        client.force_login(u)
        return client

    return _login


def _published(m):
    c = held(m, 5)
    s = services.speaker_add(
        conference=c,
        actor=m.leader,
        type="citizen",
        name="Phạm Thị Riêng Tư",
        role_or_village="Thôn 9",
    )
    services.raised_issue_record(
        conference=c,
        actor=m.leader,
        speaker=s,
        text="Đèn đường thôn 9 hỏng",
        commitment_text="Thay đèn trong tháng",
        responsible_org=m.office,
        deadline=timezone.localdate() + dt.timedelta(days=20),
        answered_on_spot=True,
        answer="Sẽ thay ngay",
    )
    services.conference_minutes_close(conference=c, actor=m.leader, summary="Tóm tắt")
    services.conference_results_publish(
        conference=c, actor=m.leader, summary="Kết quả hội nghị", channels=["portal"]
    )
    c.refresh_from_db()
    return c


# -- anonymous and scope -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,kwargs",
    [
        ("meetings_backoffice:index", {}),
        ("meetings_backoffice:plan_create", {}),
        ("meetings_backoffice:plan", {"plan_id": 1}),
        ("meetings_backoffice:conference", {"conference_id": 1}),
        ("meetings_backoffice:minutes", {"conference_id": 1}),
        ("meetings_backoffice:commitments", {}),
        ("meetings_backoffice:commitment", {"commitment_id": 1}),
        ("meetings_backoffice:voters", {}),
        ("meetings_backoffice:voter_request", {"request_id": 1}),
    ],
)
def test_anonymous_is_sent_to_login(client, name, kwargs):
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 302 and "/quan-ly/dang-nhap/" in response["Location"]


def test_out_of_scope_conference_is_404(m, login):
    c = conference(m, 20)
    for actor in (m.sibling_leader, m.other_front, m.inspector, m.nobody):
        client = login(actor)
        # An account with no role at all is stopped before the view (backoffice.middleware).
        expected = 403 if actor is m.nobody else 404
        for page in (
            reverse("meetings_backoffice:conference", args=[c.pk]),
            reverse("meetings_backoffice:plan", args=[c.plan.pk]),
            reverse("meetings_backoffice:minutes", args=[c.pk]),
        ):
            assert client.get(page).status_code == expected
    assert (
        login(m.leader).get(reverse("meetings_backoffice:conference", args=["999999"])).status_code
        == 404
    )


def test_lists_are_filtered_by_scope(m, login):
    c = conference(m, 20, title="Đối thoại Sa Thầy")
    page = login(m.sibling_leader).get(reverse("meetings_backoffice:index")).content.decode()
    assert "Đối thoại Sa Thầy" not in page and c.plan.title not in page
    page = login(m.leader).get(reverse("meetings_backoffice:index")).content.decode()
    assert c.plan.title in page


def test_receptionist_sees_but_cannot_announce(m, login):
    c = conference(m, 20)
    client = login(m.receptionist)
    assert client.get(reverse("meetings_backoffice:conference", args=[c.pk])).status_code == 200
    response = client.post(
        reverse("meetings_backoffice:announce", args=[c.pk]),
        {"announced_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 403
    c.refresh_from_db()
    assert c.status == ConferenceStatus.PLANNED


def test_front_liaison_announces_the_commune_dialogue_it_co_organises(m, login):
    c = conference(m, 20)
    response = login(m.front_liaison).post(
        reverse("meetings_backoffice:announce", args=[c.pk]),
        {"announced_on": timezone.localdate().isoformat(), "channels": "Loa"},
    )
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.status == ConferenceStatus.ANNOUNCED


# -- plans and conferences -----------------------------------------------------------------------


def test_plan_create_and_duplicate_keeps_input(m, login):
    client = login(m.leader)
    data = {"organisation": m.commune.pk, "year": 2026, "title": "Kế hoạch 2026", "note": "ghi chú"}
    response = client.post(reverse("meetings_backoffice:plan_create"), data)
    assert response.status_code == 302
    plan = AnnualPlan.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "DC-5, DC-6" in page  # the plan has no commune dialogue yet
    response = client.post(reverse("meetings_backoffice:plan_create"), {**data, "title": "Lại"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "đã có kế hoạch năm 2026" in body and 'value="Lại"' in body
    assert AnnualPlan.objects.count() == 1 and plan.title == "Kế hoạch 2026"


def test_plan_create_forbidden_without_a_managing_role(m, login):
    assert login(m.receptionist).get(reverse("meetings_backoffice:plan_create")).status_code == 403


def test_conference_create_bad_input_keeps_text(m, login):
    plan = services.plan_create(organisation=m.commune, year=2026, title="KH", actor=m.leader)
    client = login(m.leader)
    url = reverse("meetings_backoffice:conference_create", args=[plan.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "kind": "commune_dialogue",
            "title": "Đối thoại về đất đai",
            "trigger": "annual",
            "starts_date": "2027-05-01",  # not in the plan's year
            "starts_time": "08:00",
            "mode": "in_person",
            "place": "",
            "topics": "Đất đai",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "phải thuộc năm 2026" in body and "Vui lòng nhập địa điểm" in body
    assert "Đối thoại về đất đai" in body
    assert not Conference.objects.exists()
    # A place of invisible characters only (zero-width space, word joiner) is no place.
    response = client.post(
        url,
        {
            "kind": "commune_dialogue",
            "title": "Đối thoại về đất đai",
            "trigger": "annual",
            "starts_date": "2026-05-01",
            "starts_time": "08:00",
            "mode": "in_person",
            "place": "\u200b\u2060",
            "topics": "Đất đai",
        },
    )
    assert response.status_code == 200 and "Vui lòng nhập địa điểm" in response.content.decode()
    assert not Conference.objects.exists()


def test_conference_create_then_announce_late_is_flagged_on_the_page(m, login):
    day = timezone.localdate() + dt.timedelta(days=3)
    plan = services.plan_create(organisation=m.commune, year=day.year, title="KH", actor=m.leader)
    client = login(m.leader)
    response = client.post(
        reverse("meetings_backoffice:conference_create", args=[plan.pk]),
        {
            "kind": "commune_dialogue",
            "title": "Đối thoại gấp",
            "trigger": "necessity",
            "starts_date": day.isoformat(),
            "starts_time": "08:00",
            "mode": "in_person",
            "place": "Hội trường",
            "topics": "Sạt lở",
            "co_organiser": m.front.pk,
        },
    )
    assert response.status_code == 302
    c = Conference.objects.get()
    response = client.post(
        reverse("meetings_backoffice:announce", args=[c.pk]),
        {"announced_on": timezone.localdate().isoformat()},
        follow=True,
    )
    body = response.content.decode()
    assert "Thông báo muộn" in body and "DC-6" in body
    c.refresh_from_db()
    assert c.announce_late


def test_hold_before_announcement_shows_the_rule(m, login):
    c = conference(m, -1)
    response = login(m.leader).post(
        reverse("meetings_backoffice:hold", args=[c.pk]),
        {"held_on": timezone.localdate().isoformat(), "attendees": "50"},
    )
    assert response.status_code == 200
    assert "phải thông báo trước khi tổ chức" in response.content.decode()


def test_bad_dates_and_numbers_never_500(m, login):
    c = conference(m, 20)
    client = login(m.leader)
    for data in ({"announced_on": "not-a-date"}, {"announced_on": "2026-13-45"}, {}):
        response = client.post(reverse("meetings_backoffice:announce", args=[c.pk]), data)
        assert response.status_code == 200
    response = client.post(
        reverse("meetings_backoffice:hold", args=[c.pk]), {"held_on": "x", "attendees": "-3"}
    )
    assert response.status_code == 200


# -- minutes -------------------------------------------------------------------------------------


def test_minutes_flow_through_the_pages(m, login):
    c = held(m, 2)
    client = login(m.leader)
    assert client.get(reverse("meetings_backoffice:minutes", args=[c.pk])).status_code == 200
    response = client.post(
        reverse("meetings_backoffice:speaker_add", args=[c.pk]),
        {
            "type": "citizen",
            "name": "Đinh Văn Dân",
            "role_or_village": "Thôn 5",
            "summary": "Hỏi về đường",
        },
    )
    assert response.status_code == 302
    speaker = c.speakers.get()
    response = client.post(
        reverse("meetings_backoffice:issue_add", args=[c.pk]),
        {
            "speaker": speaker.pk,
            "kind": "recommendation",
            "text": "Đường thôn 5 lầy lội",
            "commitment_text": "Đổ cấp phối",
            "responsible_org": m.office.pk,
            "deadline": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
        },
        follow=True,
    )
    assert "đã vào sổ với mã" in response.content.decode()
    issue = RaisedIssue.objects.get()
    assert issue.item is not None and issue.commitment.responsible_org == m.office
    response = client.post(
        reverse("meetings_backoffice:minutes_close", args=[c.pk]), {"summary": "Kết luận"}
    )
    assert response.status_code == 302
    response = client.post(
        reverse("meetings_backoffice:results", args=[c.pk]),
        {
            "summary": "Thông báo kết quả",
            "channels": ["office_posting", "portal"],
            "published_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.status == ConferenceStatus.RESULTS_PUBLISHED and not c.results_late


def test_issue_bad_input_keeps_text_and_saves_nothing(m, login):
    c = held(m, 2)
    response = login(m.leader).post(
        reverse("meetings_backoffice:issue_add", args=[c.pk]),
        {
            "kind": "recommendation",
            "text": "Vấn đề cần giữ lại",
            "commitment_text": "",
            "responsible_org": m.office.pk,
            "deadline": (c.held_on - dt.timedelta(days=3)).isoformat(),
            "answered_on_spot": "on",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Vấn đề cần giữ lại" in body and "vui lòng ghi nội dung trả lời" in body
    assert not RaisedIssue.objects.exists() and not Item.objects.exists()


def test_unit_head_issue_waits_for_reception_then_registered(m, login):
    c = held(m, 2)
    s = services.speaker_add(conference=c, actor=m.head, type="citizen", name="Bà Chờ")
    issue = services.raised_issue_record(
        conference=c,
        actor=m.head,
        speaker=s,
        text="x",
        commitment_text="y",
        responsible_org=m.office,
        deadline=c.held_on,
    )
    response = login(m.head).post(reverse("meetings_backoffice:issue_register", args=[issue.pk]))
    assert response.status_code == 403
    response = login(m.receptionist).post(
        reverse("meetings_backoffice:issue_register", args=[issue.pk])
    )
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.item is not None


def test_minutes_page_shows_citizen_names_to_staff_only(m, login, client):
    c = _published(m)
    staff_page = login(m.leader).get(reverse("meetings_backoffice:minutes", args=[c.pk]))
    assert "Phạm Thị Riêng Tư" in staff_page.content.decode()
    client.logout()
    public = client.get(reverse("meetings_portal:conference", args=[c.pk])).content.decode()
    assert "Phạm Thị Riêng Tư" not in public and "Thôn 9" not in public
    assert "Đèn đường thôn 9 hỏng" in public and "Thay đèn trong tháng" in public
    assert "Người dân" in public


# -- commitments ---------------------------------------------------------------------------------


def test_commitments_list_overdue_filter_and_progress(m, login):
    c = held(m, 40)
    issue = services.raised_issue_record(
        conference=c,
        actor=m.leader,
        text="Quá hạn",
        commitment_text="Việc quá hạn",
        responsible_org=m.office,
        deadline=c.held_on + dt.timedelta(days=5),
    )
    services.raised_issue_record(
        conference=c,
        actor=m.leader,
        text="Còn hạn",
        commitment_text="Việc còn hạn",
        responsible_org=m.office,
        deadline=timezone.localdate() + dt.timedelta(days=5),
    )
    client = login(m.office_handler)
    page = client.get(
        reverse("meetings_backoffice:commitments") + "?status=overdue"
    ).content.decode()
    assert "Việc quá hạn" in page and "Việc còn hạn" not in page
    url = reverse("meetings_backoffice:commitment", args=[issue.commitment.pk])
    response = client.post(url, {"on": "", "note": ""})
    assert response.status_code == 200 and "Việc quá hạn" in response.content.decode()
    response = client.post(
        url, {"on": timezone.localdate().isoformat(), "note": "Đã xong", "done": "on"}
    )
    assert response.status_code == 302
    issue.commitment.refresh_from_db()
    assert issue.commitment.status == "done"
    assert login(m.sibling_leader).get(url).status_code == 404
    # A receptionist who sees the conference and the list of its commitments opens each of them.
    receptionist = login(m.receptionist)
    listing = receptionist.get(reverse("meetings_backoffice:commitments")).content.decode()
    assert "Việc quá hạn" in listing and url in listing
    assert receptionist.get(url).status_code == 200


# -- voters --------------------------------------------------------------------------------------


def test_voter_roll_form_and_request_page(m, login):
    client = login(m.leader)
    response = client.post(
        reverse("meetings_backoffice:voters"),
        {"organisation": m.commune.pk, "voters": "0", "as_of": "2026-01-01", "source": ""},
    )
    assert response.status_code == 200
    response = client.post(
        reverse("meetings_backoffice:voters"),
        {
            "organisation": m.commune.pk,
            "voters": "30",
            "as_of": "2026-01-01",
            "source": "DS cử tri",
        },
    )
    assert response.status_code == 302
    r = services.voter_support_add(
        organisation=m.commune, full_name="Cử tri Một", village="Thôn 1", phone_or_id="0912345678"
    )
    page = client.get(reverse("meetings_backoffice:voter_request", args=[r.pk])).content.decode()
    assert "Cử tri Một" in page and "0912345678" not in page
    url = reverse("meetings_backoffice:voter_request", args=[r.pk])
    assert client.post(url, {"reason": "Đã đủ ý kiến"}).status_code == 302
    client.get(url)  # the success message is read
    # Closed twice (another tab): the form is gone, the refusal says why at the top.
    again = client.post(url, {"reason": "Đã đủ ý kiến"})
    [refusal] = [m for m in again.context["messages"] if m.level_tag == "error"]
    assert again.status_code == 200 and "Đề nghị này đã đóng." in again.content.decode()
    assert str(refusal) == "Đề nghị này đã đóng."
    assert (
        login(m.sibling_leader)
        .get(reverse("meetings_backoffice:voter_request", args=[r.pk]))
        .status_code
        == 404
    )


def test_receptionist_cannot_record_voter_roll(m, login):
    response = login(m.receptionist).post(
        reverse("meetings_backoffice:voters"),
        {"organisation": m.commune.pk, "voters": "30", "as_of": "2026-01-01", "source": "x"},
    )
    assert response.status_code == 403


# -- portal --------------------------------------------------------------------------------------


def test_portal_shows_announced_conferences_only(m, client):
    planned = conference(m, 20, title="Chưa thông báo")
    announced = conference(m, 25, title="Đã thông báo rồi")
    services.conference_announce(conference=announced, actor=m.leader)
    page = client.get(reverse("meetings_portal:index")).content.decode()
    assert "Đã thông báo rồi" in page and "Chưa thông báo" not in page
    assert client.get(reverse("meetings_portal:conference", args=[planned.pk])).status_code == 404
    assert client.get(reverse("meetings_portal:conference", args=[announced.pk])).status_code == 200
    assert client.get("/doi-thoai/abc/").status_code == 404


def test_portal_advance_question_gives_a_receipt(m, client):
    c = conference(m, 20)
    services.conference_announce(conference=c, actor=m.leader)
    url = reverse("meetings_portal:conference", args=[c.pk])
    response = client.post(url, {"kind": "recommendation", "body": "", "village": "Thôn 2"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Vui lòng nhập câu hỏi" in body and 'value="Thôn 2"' in body
    response = client.post(url, {"kind": "recommendation", "body": "Bao giờ sửa cầu?"})
    assert response.status_code == 302 and response["Location"] == reverse("portal:receipt")
    receipt = client.get(response["Location"]).content.decode()
    item = Item.objects.get()
    assert item.code in receipt and item.channel_detail["conference"] == c.pk


def test_portal_question_refused_after_start(m, client):
    c = conference(m, 20)
    services.conference_announce(conference=c, actor=m.leader)
    Conference.objects.filter(pk=c.pk).update(starts_at=timezone.now() - dt.timedelta(hours=1))
    response = client.post(
        reverse("meetings_portal:conference", args=[c.pk]), {"kind": "feedback", "body": "Muộn"}
    )
    assert response.status_code == 200
    assert "không còn nhận câu hỏi" in response.content.decode()
    assert not Item.objects.exists()


def test_portal_results_and_follow_up(m, client):
    first = _published(m)
    nxt = conference(m, 20, title="Lần sau")
    services.conference_announce(conference=nxt, actor=m.leader)
    page = client.get(reverse("meetings_portal:conference", args=[nxt.pk])).content.decode()
    assert page.index("Kết quả thực hiện các cam kết trước") < page.index("Thay đèn trong tháng")
    assert (
        "Kết quả hội nghị"
        in client.get(reverse("meetings_portal:conference", args=[first.pk])).content.decode()
    )


def test_portal_voter_request_form(m, client):
    url = reverse("meetings_portal:voter_request", args=[m.commune.slug])
    page = client.get(url).content.decode()
    assert "chưa công bố số cử tri" in page
    response = client.post(
        url, {"full_name": "Nguyễn A", "village": "Thôn 1", "phone_or_id": "12ab", "is_voter": "on"}
    )
    assert response.status_code == 200 and "chỉ gồm chữ số" in response.content.decode()
    assert 'value="Nguyễn A"' in response.content.decode()
    response = client.post(
        url, {"full_name": "Nguyễn A", "village": "Thôn 1", "phone_or_id": "0912345678"}
    )
    assert response.status_code == 200 and "Chỉ cử tri của xã" in response.content.decode()
    data = {
        "full_name": "Nguyễn A",
        "village": "Thôn 1",
        "phone_or_id": "0912345678",
        "is_voter": "on",
    }
    assert client.post(url, data).status_code == 302
    response = client.post(url, {**data, "full_name": "Người khác"})
    assert (
        response.status_code == 200 and "mỗi cử tri được tính một lần" in response.content.decode()
    )
    assert VoterSupport.objects.count() == 1
    services.voter_roll_record(
        organisation=m.commune, voters=40, as_of=timezone.localdate(), source="x", actor=m.leader
    )
    page = client.get(url).content.decode()
    assert "1</strong> / 4" in page
    # Never the names on the public page.
    assert "Nguyễn A" not in page


def test_portal_voter_request_only_for_communes(m, client):
    assert (
        client.get(reverse("meetings_portal:voter_request", args=[m.front.slug])).status_code == 404
    )
    assert (
        client.get(reverse("meetings_portal:voter_request", args=["khong-co"])).status_code == 404
    )


def test_resolution_form_on_the_staff_conference_minutes(m, login):
    from langnghe.meetings.models import ConferenceKind, Resolution

    c = held(m, 3, kind=ConferenceKind.STAFF_CONFERENCE, co_organiser=None)
    client = login(m.leader)
    url = reverse("meetings_backoffice:resolution_add", args=[c.pk])
    response = client.post(url, {"text": "Nghị quyết giữ lại", "votes_for": "500", "present": "30"})
    assert response.status_code == 200
    assert "Nghị quyết giữ lại" in response.content.decode() and not Resolution.objects.exists()
    response = client.post(
        url, {"text": "Quy chế chi tiêu", "votes_for": "15", "present": "30"}, follow=True
    )
    assert "không được thông qua" in response.content.decode()
    assert Resolution.objects.get().passed is False


def test_plan_edit_approve_and_conference_edit_pages(m, login):
    c = conference(m, 20, title="Tên cũ")
    client = login(m.head)
    url = reverse("meetings_backoffice:plan_edit", args=[c.plan.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"title": "", "note": ""}).status_code == 200
    assert client.post(url, {"title": "Kế hoạch mới", "note": ""}).status_code == 302
    # Approval is a leader's act.
    approve = reverse("meetings_backoffice:plan_approve", args=[c.plan.pk])
    assert client.post(approve).status_code == 403
    assert login(m.leader).post(approve).status_code == 302
    c.plan.refresh_from_db()
    assert c.plan.title == "Kế hoạch mới" and c.plan.approved_on is not None
    edit = reverse("meetings_backoffice:conference_edit", args=[c.pk])
    page = client.get(edit).content.decode()
    assert "Tên cũ" in page
    data = {
        "kind": "commune_dialogue",
        "title": "Tên mới",
        "trigger": "annual",
        "starts_date": c.starts_on.isoformat(),
        "starts_time": "14:00",
        "mode": "online",
        "online_link": "meet.example.org/xa",
        "topics": "Một\nHai",
        "co_organiser": m.front.pk,
    }
    assert client.post(edit, data).status_code == 302
    c.refresh_from_db()
    assert c.title == "Tên mới" and c.online_link == "https://meet.example.org/xa"
    assert c.topic_lines == ["Một", "Hai"]
    # The Front liaison may edit the commune dialogue it co-organises, not the plan.
    assert login(m.front_liaison).get(edit).status_code == 200
    assert login(m.front_liaison).get(url).status_code == 403
