"""Public pages: home counts, search of published answers, the item page, unit pages, English."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from langnghe.handling.services import item_transition
from langnghe.intake.models import Item, Kind
from langnghe.orgs.models import Role

from ..factories import submit_one, user


def publish(tree, *, title, body="Nội dung", identity=None, answer="Đã giải quyết xong."):
    """An answered petition published with a summary and an answer written by staff (here the
    title and the answer, redacted by the service like any staff text)."""
    handler = user(grants=[(tree.commune, Role.HANDLER)])
    head = user(grants=[(tree.commune, Role.UNIT_HEAD)])
    item, _secret = submit_one(tree.commune, title=title, body=body, identity=identity or {})
    item = item_transition(item=item, name="start", actor=handler)
    item = item_transition(
        item=item,
        name="draft_answer",
        actor=handler,
        answer=answer,
        public_answer=answer,
        public_summary=title,
    )
    return item_transition(item=item, name="approve_answer", actor=head)


@pytest.mark.django_db
def test_home_shows_this_years_counts(client, tree):
    publish(tree, title="Đèn đường thôn 2 hỏng")
    submit_one(tree.commune)
    # A denunciation is never counted in public figures (sealed; TC-16).
    submit_one(tree.commune, kind=Kind.DENUNCIATION, body="Cán bộ A nhận tiền của dân")
    response = client.get("/")
    assert response.status_code == 200
    counts = response.context["counts"]
    # The answer had no time limit running (PA-8): neither on time nor late, no rate to show.
    assert (counts.received, counts.answered, counts.on_time, counts.published) == (2, 1, 0, 1)
    assert counts.with_limit == 0 and counts.on_time_percent is None
    html = response.content.decode()
    assert "Ý kiến đã nhận" in html and "Đèn đường thôn 2 hỏng" in html
    assert 'href="/gop-y/"' in html and 'href="/tra-cuu/"' in html


@pytest.mark.django_db
def test_answered_and_on_time_come_from_the_data(tree):
    """Answered = closed in a state the workflow data marks `answered: true`; on time = closed by
    the deadline running at close (Item.due_at_close), by the calendar day in Vietnam."""
    from langnghe.handling.selectors import is_answered
    from langnghe.portal import selectors

    head = user(grants=[(tree.commune, Role.UNIT_HEAD)])
    in_time, late, no_limit = (publish(tree, title=t) for t in ("Một", "Hai", "Ba"))
    refused, _s = submit_one(tree.commune)
    refused = item_transition(
        item=refused, name="not_accept", actor=head, reason="Không thuộc thẩm quyền"
    )
    submit_one(tree.commune)  # still open

    day = timezone.localdate()
    vn = ZoneInfo("Asia/Ho_Chi_Minh")
    # 23:30 and 00:30 the next day in Vietnam are both 16:30 and 17:30 UTC on `day`: only a
    # comparison in Vietnamese time tells the second one is a day late.
    Item.objects.filter(pk=in_time.pk).update(
        due_at_close=day, closed_at=dt.datetime.combine(day, dt.time(23, 30), tzinfo=vn)
    )
    Item.objects.filter(pk=late.pk).update(
        due_at_close=day,
        closed_at=dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 30), tzinfo=vn),
    )
    Item.objects.filter(pk=no_limit.pk).update(due_at_close=None)

    counts = selectors.counts()
    # On time is counted among the answers that had a limit running (PA-8: many have none).
    assert (counts.received, counts.answered, counts.with_limit, counts.on_time) == (5, 3, 2, 1)
    assert counts.on_time_percent == 50
    # The per-item definitions agree with the counts.
    items = {i.pk: i for i in Item.objects.all()}
    assert [is_answered(items[i.pk]) for i in (in_time, late, no_limit, refused)] == [
        True,
        True,
        True,
        False,
    ]
    assert [items[i.pk].closed_on_time for i in (in_time, late, no_limit)] == [True, False, None]
    assert refused.status == "not_accepted" and not refused.is_open  # closed, yet not answered


@pytest.mark.django_db
def test_search_is_diacritic_insensitive_and_public_only(client, tree):
    published = publish(tree, title="Đảng ủy xã chậm trả lời đơn")
    hidden, _s = submit_one(tree.commune, title="Đảng ủy xã chưa công khai", body="Đảng ủy")
    response = client.get(reverse("portal:search"), {"q": "dang uy"})
    assert response.status_code == 200
    assert [i.pk for i in response.context["items"]] == [published.pk]
    html = response.content.decode()
    assert published.code in html and hidden.code not in html


@pytest.mark.django_db
def test_search_without_query_lists_the_latest_and_pages(client, tree):
    items = [publish(tree, title=f"Ý kiến số {n}") for n in range(12)]
    first = client.get(reverse("portal:search"))
    assert [i.pk for i in first.context["items"]] == [i.pk for i in reversed(items)][:10]
    assert first.context["next_url"] == "/tim-kiem/?trang=2"
    second = client.get(first.context["next_url"])
    assert [i.pk for i in second.context["items"]] == [items[1].pk, items[0].pk]
    assert client.get(reverse("portal:search"), {"trang": "abc"}).status_code == 200


@pytest.mark.django_db
def test_search_counts_the_matches_only_when_they_go_past_the_page(client, tree, monkeypatch):
    from langnghe.search import services

    asked = []
    counted = services.search_count

    def search_count(**kwargs):
        asked.append(kwargs["query"])
        return counted(**kwargs)

    monkeypatch.setattr(services, "search_count", search_count)
    for n in range(12):
        publish(tree, title=f"Đèn đường số {n}")
    publish(tree, title="Cầu treo hỏng")

    page = client.get(reverse("portal:search"), {"q": "cau treo"})
    assert len(page.context["items"]) == 1 and page.context["total"] == 1
    assert "1 kết quả." in page.content.decode()
    assert client.get(reverse("portal:search"), {"q": "khong co"}).context["total"] == 0
    assert asked == []  # the list ended on its page: nothing left to count

    first = client.get(reverse("portal:search"), {"q": "den duong"})
    assert len(first.context["items"]) == 10 and first.context["total"] == 12
    assert asked == ["den duong"]
    second = client.get(first.context["next_url"])
    assert len(second.context["items"]) == 2 and second.context["total"] == 12
    assert asked == ["den duong"]  # the second page holds the last two: 10 + 2
    past = client.get(reverse("portal:search"), {"q": "den duong", "trang": "5"})
    assert not past.context["items"] and past.context["total"] == 12  # counted, not guessed
    assert asked == ["den duong", "den duong"]

    # Past the cap, only a count says "more than": a total read off the last page is exact.
    from langnghe.portal import views

    monkeypatch.setattr(views, "SEARCH_COUNT_CAP", 5)
    first = client.get(reverse("portal:search"), {"q": "den duong"})
    assert first.context["total_capped"] and "Hơn 5 kết quả." in first.content.decode()
    last = client.get(first.context["next_url"])
    assert last.context["total"] == 12 and not last.context["total_capped"]
    assert "12 kết quả." in last.content.decode() and "Hơn 12" not in last.content.decode()


@pytest.mark.django_db
def test_search_finds_nothing_politely(client, tree):
    response = client.get(reverse("portal:search"), {"q": "không có gì"})
    assert response.status_code == 200 and "Không tìm thấy ý kiến nào." in response.content.decode()


@pytest.mark.django_db
def test_published_item_page_never_shows_the_reporter(client, tree):
    item = publish(
        tree,
        title="Trần Thị Bình báo đường hỏng",
        body="Tôi là Trần Thị Bình, số 0905000111",
        identity={"name": "Trần Thị Bình", "phone": "0905000111"},
        answer="Cảm ơn Trần Thị Bình, đường đã sửa.",
    )
    response = client.get(reverse("portal:item", args=[item.code]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Trần Thị Bình" not in html and "0905000111" not in html
    assert "đường đã sửa" in html and tree.commune.name in html


@pytest.mark.django_db
def test_unpublished_item_page_is_not_found(client, tree):
    item, _s = submit_one(tree.commune, kind=Kind.DENUNCIATION, body="Nội dung tố cáo")
    response = client.get(reverse("portal:item", args=[item.code]))
    assert response.status_code == 404
    assert "Nội dung tố cáo" not in response.content.decode()
    assert client.get("/y-kien/26-ZZZZZZ/").status_code == 404


@pytest.mark.django_db
def test_unit_page(client, tree):
    publish(tree, title="Đèn đường thôn 2 hỏng")
    response = client.get(reverse("portal:unit", args=[tree.commune.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert tree.commune.name in html and "Đèn đường thôn 2 hỏng" in html
    assert response.context["counts"].answered == 1
    assert tree.office.name in html  # its units
    assert client.get("/don-vi/khong-co/").status_code == 404


@pytest.mark.django_db
def test_vietnamese_first_whatever_the_browser_says(client, tree):
    response = client.get("/gop-y/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="vi">' in response.content.decode()


def test_english_once_chosen_with_the_language_switcher(client, tree, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/gop-y/")
    html = response.content.decode()
    assert '<html lang="en">' in html
    for text in (
        "Send feedback",
        "Type of feedback",
        "I want to stay anonymous",
        "Attachments",
        "Suggestion",
        "Denunciation",
    ):
        assert text in html, text
    assert "Gửi ý kiến" not in html


@pytest.mark.django_db
def test_english_through_the_language_switch(client, tree):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/tra-cuu/"})
    assert response.status_code == 302 and response["Location"] == "/tra-cuu/"
    html = client.get("/tra-cuu/").content.decode()
    assert "Track your feedback" in html and "Tracking code" in html
    home = client.get("/").content.decode()
    assert "Received" in home and "Answered on time" in home


@pytest.mark.django_db
def test_not_found_page_in_the_site_layout(client, tree):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_server_error_page_needs_no_context():
    html = render_to_string("500.html")
    assert "Lỗi hệ thống" in html and "<html" in html
