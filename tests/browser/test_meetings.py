"""Meetings with the people in a real browser: a citizen on a phone, without JavaScript, sends a
question before an announced dialogue and gets a receipt; staff write the minutes of the last
conference (a citizen's issue with its commitment), publish the results; the public page shows
the issue and the commitment but never the citizen's name; a voter adds their support to a
request for a dialogue and sees the count against 10 % of the roll (DC-6).

Inputs are found by their label and buttons by their role and name, as a screen reader finds
them."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from langnghe.intake.models import Item
from langnghe.meetings import services
from langnghe.meetings.models import ConferenceKind, ConferenceStatus, RaisedIssue, VoterSupport
from langnghe.orgs.models import Organisation, Role

from ..factories import org, user
from .fixtures import DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CITIZEN = "Đinh Thị Kín"


def _open(new_page, **kwargs):
    """A page with a generous timeout: the live server shares a busy machine with other suites."""
    page = new_page(**kwargs)
    page.context.set_default_timeout(60_000)
    return page


def _at(days: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(8, 0)))


def _conference(plan_org, leader, front, days: int, title: str):
    starts = _at(days)
    plan = (
        services.plan_create(
            organisation=plan_org, year=starts.year, title=f"Kế hoạch {starts.year}", actor=leader
        )
        if not plan_org.meeting_plans.filter(year=starts.year).exists()
        else plan_org.meeting_plans.get(year=starts.year)
    )
    return services.conference_create(
        plan=plan,
        data=services.ConferenceData(
            kind=ConferenceKind.COMMUNE_DIALOGUE,
            title=title,
            starts_at=starts,
            topics="Giao thông\nĐất đai",
            place="Hội trường UBND xã",
            co_organiser=front,
            council_cochair=True,
            party_committee_invited=True,
        ),
        actor=leader,
    )


@pytest.fixture
def setup(tree):
    front = org(
        "Ủy ban MTTQ xã Sa Thầy", parent=tree.province, kind=Organisation.Kind.FATHERLAND_FRONT
    )
    leader = user(
        "lanhdao", grants=[(tree.commune, Role.LEADER)], first_name="An", last_name="Nguyễn"
    )
    past = _conference(tree.commune, leader, front, -3, "Đối thoại lần 1")
    services.conference_announce(
        conference=past, actor=leader, announced_on=past.starts_on - dt.timedelta(days=10)
    )
    services.conference_hold(conference=past, actor=leader, attendees=80)
    upcoming = _conference(tree.commune, leader, front, 10, "Đối thoại lần 2")
    services.conference_announce(conference=upcoming, actor=leader)
    return type("S", (), dict(tree=tree, leader=leader, past=past, upcoming=upcoming))


def test_citizen_question_staff_minutes_public_results(live_server, new_page, setup, screenshots):
    base = live_server.url

    # A citizen on a phone without JavaScript sends a question in advance.
    page = _open(new_page, viewport=PHONE, javascript=False)
    page.goto(f"{base}/doi-thoai/")
    page.get_by_role("link", name="Đối thoại lần 2").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đối thoại lần 2")
    page.get_by_role("button", name="Gửi câu hỏi").click()  # empty: told why, nothing saved
    expect(page.get_by_role("alert")).to_contain_text("Vui lòng nhập câu hỏi")
    page.get_by_label("Kiến nghị").check()
    page.get_by_label("Câu hỏi, ý kiến của bạn").fill("Khi nào sửa cầu tràn Thôn 2?")
    page.get_by_label("Thôn, tổ dân phố").fill("Thôn 2")
    shoot = screenshots
    shoot(page, "meetings-question-phone")
    page.get_by_role("button", name="Gửi câu hỏi").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đã gửi ý kiến")
    item = Item.objects.get()
    expect(page.locator(".code").first).to_have_text(item.code)
    assert item.channel_detail["conference"] == setup.upcoming.pk
    page.context.close()

    # Staff write the minutes of the conference just held, and publish the results.
    page = _open(new_page, viewport=DESKTOP)
    page.goto(f"{base}/quan-ly/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("lanhdao")
    page.get_by_label("Mật khẩu").fill("pw")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(f"{base}/quan-ly/")
    page.goto(f"{base}/quan-ly/hoi-nghi/")
    page.get_by_role("link", name=re.compile("Kế hoạch")).first.click()
    page.get_by_role("link", name="Đối thoại lần 2").click()
    expect(page.get_by_text("1 câu hỏi đã gửi qua cổng thông tin.")).to_be_visible()
    expect(page.get_by_role("link", name=item.code)).to_be_visible()
    page.goto(f"{base}/quan-ly/hoi-nghi/{setup.past.pk}/bien-ban/")
    form = page.locator("form#phat-bieu")
    form.get_by_role("radio", name="Người dân").check()
    form.get_by_label("Họ và tên").fill(CITIZEN)
    form.get_by_role("textbox", name=re.compile("thôn, tổ dân phố")).fill("Thôn 7")
    form.get_by_role("button", name="Ghi người phát biểu").click()
    expect(page.get_by_role("status")).to_contain_text("Đã ghi người phát biểu")
    form = page.locator("form#van-de")
    form.get_by_label("Người nêu").select_option(label=f"1. {CITIZEN} (Người dân)")
    form.get_by_label("Vấn đề được nêu").fill("Trường mẫu giáo Thôn 7 dột mái")
    form.get_by_label("Cam kết giải quyết").fill("Sửa mái trước năm học mới")
    form.get_by_label("Đơn vị chịu trách nhiệm").select_option(label="UBND xã Sa Thầy")
    form.get_by_label("Thời hạn").fill((timezone.localdate() + dt.timedelta(days=30)).isoformat())
    form.get_by_role("button", name="Ghi vấn đề").click()
    expect(page.get_by_role("status")).to_contain_text("đã vào sổ với mã")
    issue = RaisedIssue.objects.get()
    assert issue.item is not None and issue.commitment.deadline > timezone.localdate()
    page.locator("form#hoan-thanh").get_by_label("Tóm tắt biên bản").fill("Hội nghị kết thúc.")
    page.get_by_role("button", name="Hoàn thành biên bản").click()
    expect(page.get_by_role("status")).to_contain_text("Đã hoàn thành biên bản")
    results = page.locator("form").filter(has=page.get_by_role("button", name="Công bố kết quả"))
    results.get_by_label("Thông báo kết quả hội nghị").fill("UBND xã thông báo kết quả.")
    results.get_by_role("button", name="Công bố kết quả").click()
    expect(page.get_by_role("status")).to_contain_text("Đã công bố kết quả")
    expect(page.get_by_text(re.compile("Đã công bố kết quả ngày .*, đúng hạn"))).to_be_visible()
    shoot(page, "meetings-conference-staff")
    setup.past.refresh_from_db()
    assert setup.past.status == ConferenceStatus.RESULTS_PUBLISHED

    # The public results page: the issue and its commitment, never the citizen's name.
    public = _open(new_page, viewport=PHONE, javascript=False)
    public.goto(f"{base}/doi-thoai/{setup.past.pk}/")
    expect(public.get_by_role("heading", name="Kết quả hội nghị")).to_be_visible()
    expect(public.get_by_text("Trường mẫu giáo Thôn 7 dột mái")).to_be_visible()
    expect(public.get_by_text("Cam kết: Sửa mái trước năm học mới")).to_be_visible()
    assert CITIZEN not in public.content()
    shoot(public, "meetings-results-phone")
    # The next conference opens with the follow-up of this one's commitments.
    public.goto(f"{base}/doi-thoai/{setup.upcoming.pk}/")
    followup = public.locator("section").filter(
        has=public.get_by_role("heading", name="Kết quả thực hiện các cam kết trước")
    )
    expect(followup.get_by_text("Trường mẫu giáo Thôn 7 dột mái")).to_be_visible()


def test_voter_request_on_a_phone(live_server, new_page, setup, screenshots):
    base = live_server.url
    services.voter_roll_record(
        organisation=setup.tree.commune,
        voters=20,
        as_of=timezone.localdate(),
        source="Danh sách cử tri",
        actor=setup.leader,
    )
    page = _open(new_page, viewport=PHONE, javascript=False)
    page.goto(f"{base}/doi-thoai/yeu-cau/{setup.tree.commune.slug}/")
    expect(page.get_by_text("Cần 2 cử tri")).to_be_visible()
    page.get_by_label("Họ và tên").fill("Rơ Châm Hiền")
    page.get_by_label("Thôn, tổ dân phố").fill("Làng Kon Xốp")
    page.get_by_label("Số điện thoại hoặc số CCCD/định danh").fill("0912 345 678")
    page.get_by_label(re.compile("Tôi là cử tri")).check()
    page.get_by_role("button", name="Gửi đề nghị").click()
    expect(page.get_by_text("Đề nghị của bạn đã được ghi nhận")).to_be_visible()
    expect(page.locator(".mt-big")).to_contain_text("1")
    # The same voter again: counted once, told why, their input kept.
    page.get_by_label("Họ và tên").fill("Rơ Châm Hiền")
    page.get_by_label("Thôn, tổ dân phố").fill("Làng Kon Xốp")
    page.get_by_label("Số điện thoại hoặc số CCCD/định danh").fill("+84912345678")
    page.get_by_label(re.compile("Tôi là cử tri")).check()
    page.get_by_role("button", name="Gửi đề nghị").click()
    expect(page.get_by_role("alert")).to_contain_text("mỗi cử tri được tính một lần")
    expect(page.get_by_label("Họ và tên")).to_have_value("Rơ Châm Hiền")
    assert VoterSupport.objects.count() == 1
    assert "0912" not in VoterSupport.objects.get().voter_key
    screenshots(page, "meetings-voter-request-phone")
