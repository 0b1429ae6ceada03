"""The inbox: ordering, filters, pagination, constant queries, bulk assignment."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from langnghe.core.models import AuditEvent
from langnghe.handling.services import item_transition
from langnghe.intake.models import Channel, Item, Kind
from langnghe.orgs.models import Role

from ..factories import submit_one, user

pytestmark = pytest.mark.django_db


def _codes_in_order(html: str) -> list[str]:
    return re.findall(r'class="code">([0-9]{2}-[A-Z0-9]{6})<', html)


def test_open_first_then_overdue_first_then_due_soon(login, tree, staff):
    today = timezone.localdate()
    later, _ = submit_one(tree.commune, body="Việc còn lâu mới đến hạn")
    overdue, _ = submit_one(tree.commune, body="Việc đã quá hạn")
    soon, _ = submit_one(tree.commune, body="Việc sắp đến hạn")
    undated, _ = submit_one(tree.commune, body="Việc không có hạn")
    closed, _ = submit_one(tree.commune, body="Việc đã xong")
    Item.objects.filter(pk=later.pk).update(due_on=today + dt.timedelta(days=30))
    Item.objects.filter(pk=overdue.pk).update(due_on=today - dt.timedelta(days=3))
    Item.objects.filter(pk=soon.pk).update(due_on=today)
    Item.objects.filter(pk=undated.pk).update(due_on=None)
    Item.objects.filter(pk=closed.pk).update(due_on=None, is_open=False, status="answered")

    client = login(staff.handler)
    # By default the inbox is the work to do: open items only.
    html = client.get("/quan-ly/").content.decode()
    assert _codes_in_order(html) == [overdue.code, soon.code, later.code, undated.code]
    assert _codes_in_order(client.get("/quan-ly/?status=closed").content.decode()) == [closed.code]
    html = client.get("/quan-ly/?status=all").content.decode()
    assert _codes_in_order(html) == [overdue.code, soon.code, later.code, undated.code, closed.code]
    # Overdue and due soon are said in words, not only in colour.
    assert "Quá hạn" in html and "Sắp đến hạn" in html
    assert (today - dt.timedelta(days=3)).strftime("%d/%m/%Y") in html
    # The status label comes from the workflow data.
    assert "Đã tiếp nhận" in html and "Đã trả lời" in html


def test_inbox_queries_do_not_grow_with_the_rows(login, tree, staff):
    client = login(staff.head)
    for n in range(2):
        submit_one(tree.commune, body=f"Ý kiến số {n}")
    client.get("/quan-ly/")  # warm caches (policy, calendar)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/quan-ly/").status_code == 200
    for n in range(8):
        item, _ = submit_one(tree.commune, body=f"Ý kiến thêm {n}")
        item_transition(item=item, name="start", actor=staff.handler)
    Item.objects.update(handler=staff.handler)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/quan-ly/").status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_filters(login, tree, staff):
    road, _ = submit_one(
        tree.commune, kind=Kind.FEEDBACK, body="Đường liên thôn sạt lở nghiêm trọng"
    )
    complaint, _ = submit_one(
        tree.commune, kind=Kind.COMPLAINT, body="Khiếu nại quyết định thu hồi đất"
    )
    office_item, _ = submit_one(
        tree.office, kind=Kind.SUGGESTION, body="Góp ý giờ làm việc của văn phòng"
    )
    overdue, _ = submit_one(tree.commune, kind=Kind.RECOMMENDATION, body="Kiến nghị sửa cầu")
    Item.objects.filter(pk=overdue.pk).update(due_on=timezone.localdate() - dt.timedelta(days=1))
    item_transition(item=road, name="start", actor=staff.handler)
    Item.objects.filter(pk=road.pk).update(handler=staff.handler)

    client = login(staff.handler)

    def codes(query: str) -> set[str]:
        response = client.get(f"/quan-ly/?{query}")
        assert response.status_code == 200
        return set(_codes_in_order(response.content.decode()))

    assert codes("kind=complaint") == {complaint.code}
    assert codes("overdue=on") == {overdue.code}
    assert codes("mine=on") == {road.code}
    assert codes("status=in_progress") == {road.code}
    assert codes(f"unit={tree.office.pk}") == {office_item.code}
    assert codes("channel=letter") == set()
    assert codes(f"channel={Channel.ONLINE}") == {
        road.code,
        complaint.code,
        office_item.code,
        overdue.code,
    }
    # Full-text search ignores diacritics; a code finds its item.
    assert codes("q=sat+lo") == {road.code}
    assert codes(f"q={complaint.code}") == {complaint.code}
    # A unit outside the actor's subtree is not a valid filter: the filter is dropped, the list
    # stays filtered by permission.
    assert codes(f"unit={tree.sibling.pk}") == {
        road.code,
        complaint.code,
        office_item.code,
        overdue.code,
    }
    assert codes("kind=bogus&page=abc") == {
        road.code,
        complaint.code,
        office_item.code,
        overdue.code,
    }


def test_pagination_keeps_filters(login, tree, staff, settings):
    from langnghe.backoffice import views

    for n in range(3):
        submit_one(tree.commune, body=f"Ý kiến {n}")
    original = views.PAGE_SIZE
    views.PAGE_SIZE = 2
    try:
        html = login(staff.handler).get("/quan-ly/?kind=feedback").content.decode()
    finally:
        views.PAGE_SIZE = original
    assert "Trang 1/2" in html
    assert "?kind=feedback&amp;page=2" in html


def test_bulk_assign_reports_each_failure(login, tree, staff):
    a, _ = submit_one(tree.commune, body="Một")
    b, _ = submit_one(tree.commune, body="Hai")
    elsewhere, _ = submit_one(tree.sibling, body="Ba")
    outsider = user("ngoai", grants=[(tree.sibling, Role.HANDLER)])

    client = login(staff.head)
    response = client.post(
        "/quan-ly/?kind=feedback",
        {"items": [a.pk, b.pk, elsewhere.pk], "handler": staff.handler.pk},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/quan-ly/?kind=feedback"
    html = response.content.decode()
    a.refresh_from_db(), b.refresh_from_db(), elsewhere.refresh_from_db()
    assert a.handler == staff.handler and b.handler == staff.handler
    assert elsewhere.handler is None
    assert "Đã giao 2 ý kiến" in html
    assert f"#{elsewhere.pk}: Không tìm thấy." in html
    assert AuditEvent.objects.filter(action="item.assigned").count() == 2

    # A handler of another unit cannot be given the commune's items: one message per item.
    response = client.post("/quan-ly/", {"items": [a.pk], "handler": outsider.pk}, follow=True)
    assert "Chọn người xử lý trong danh sách." in response.content.decode()

    response = client.post("/quan-ly/", {"handler": staff.handler.pk}, follow=True)
    assert "Chọn ít nhất một ý kiến" in response.content.decode()


def test_bulk_assign_by_a_plain_handler_is_refused_per_item(login, tree, staff):
    a, _ = submit_one(tree.commune, body="Một")
    other = user("xuly3", grants=[(tree.commune, Role.HANDLER)])
    response = login(staff.handler).post(
        "/quan-ly/", {"items": [a.pk], "handler": other.pk}, follow=True
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert f"{a.code}: Bạn không có quyền thực hiện việc này." in html
    a.refresh_from_db()
    assert a.handler is None


def test_listing_open_items_only_does_not_sort_by_the_open_flag(tree, staff):
    """handling.selectors.inbox_items_for: PostgreSQL reads `is_open = true` as a plain boolean
    test, so an ORDER BY on is_open made it sort every open item of the province instead of
    walking the item_open_due index (docs/performance.md). Open first only when closed ones are
    listed too."""
    from langnghe.handling.selectors import InboxFilters, inbox_items_for

    def order(filters):
        sql = str(inbox_items_for(actor=staff.handler, filters=filters).query)
        return sql.rsplit("ORDER BY", 1)[1]

    assert '"is_open"' not in order(InboxFilters(status="open"))
    assert '"is_open"' not in order(InboxFilters(overdue_only=True))
    assert '"is_open" DESC' in order(InboxFilters(status=""))
    assert '"due_on" ASC NULLS LAST' in order(InboxFilters(status="open"))


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner")
@pytest.mark.parametrize("who", ["handler", "receptionist heading a unit"])
def test_the_inbox_walk_reads_only_its_index(tree, staff, who):
    """Item.Meta.indexes item_open_due: the default inbox walks the open items in due order and
    tests each against the visibility rules (handling paths, sealed kinds, receiving units, the
    items about the actor or a unit the actor heads); every column they read is in the index, so
    SQLite does not visit the table for each item it passes over (docs/performance.md)."""
    from langnghe.handling.selectors import InboxFilters, inbox_page
    from langnghe.orgs.models import Position

    from ..factories import person

    actor = staff.handler
    if who != "handler":
        actor = staff.receptionist
        person(user_account=actor, org=tree.office, role=Position.Role.HEAD)
    with CaptureQueriesContext(connection) as queries:
        inbox_page(actor=actor, filters=InboxFilters(status="open"))
    (walk,) = [q["sql"] for q in queries.captured_queries if '"pk" FROM "intake_item"' in q["sql"]]
    read = ["kind", "concerned_person_id"]
    read += ["handling_path"] if who == "handler" else ["receiving_org_id", "concerned_org_id"]
    for column in read:
        assert f'"intake_item"."{column}"' in walk
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + walk)
        plan = [str(row[-1]) for row in cursor.fetchall()]
    assert any("intake_item USING COVERING INDEX item_open_due" in step for step in plan), plan


def test_the_assignment_list_is_kept_a_minute(login, tree, staff):
    """templates/backoffice/inbox.html: the bulk assignment's select is rendered once a minute
    per person, language and grants; a colleague granted meanwhile appears once it expires."""
    from django.core.cache import cache

    from ..factories import user

    submit_one(tree.commune)
    client = login(staff.handler)
    assert "(xuly)</option>" in client.get("/quan-ly/").content.decode()
    user("moi", grants=[(tree.commune, Role.HANDLER)], first_name="Mới", last_name="Lê")
    with CaptureQueriesContext(connection) as queries:
        assert "(moi)</option>" not in client.get("/quan-ly/").content.decode()
    handlers = [q for q in queries.captured_queries if 'FROM "orgs_rolegrant" U0' in q["sql"]]
    assert not handlers, handlers
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert "(moi)</option>" in client.get("/quan-ly/").content.decode()
    assert [q for q in queries.captured_queries if 'FROM "orgs_rolegrant" U0' in q["sql"]]


def test_the_header_names_the_grants_without_a_query_of_its_own(login, tree, staff):
    """orgs.access.grant_labels: the header's "role · unit" list comes from the grants the
    permission checks read anyway (one query a request), in the tree's order and the reader's
    language."""
    from langnghe.orgs.models import RoleGrant

    RoleGrant.objects.create(user=staff.handler, organisation=tree.province, role=Role.LEADER)
    client = login(staff.handler)
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/quan-ly/").content.decode()
    assert "Lãnh đạo · UBND tỉnh Quảng Ngãi; Xử lý · UBND xã Sa Thầy" in html, re.findall(
        r'<span class="bo-roles">[^<]*', html
    )
    grants = [q for q in queries.captured_queries if 'FROM "orgs_rolegrant"' in q["sql"]]
    assert len([q for q in grants if "U0" not in q["sql"]]) == 1, grants
    client.cookies["django_language"] = "en"
    html = client.get("/quan-ly/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Leader · UBND tỉnh Quảng Ngãi; Handler · UBND xã Sa Thầy" in html
