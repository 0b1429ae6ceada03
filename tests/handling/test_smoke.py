import pytest

from langnghe.handling.services import item_transition
from langnghe.intake.models import Kind
from langnghe.orgs.models import Role

from ..factories import submit_one, user


@pytest.mark.django_db
def test_petition_end_to_end(tree):
    handler = user(grants=[(tree.commune, Role.HANDLER)])
    head = user(grants=[(tree.commune, Role.UNIT_HEAD)])
    item, secret = submit_one(
        tree.commune,
        kind=Kind.FEEDBACK,
        identity={"name": "Trần Thị Bình", "phone": "0905000111"},
        wants_notifications=True,
    )
    assert item.status == "received" and item.handling_org == tree.commune
    assert item.deadlines["reply"]["cite"] == "TCD-11"
    item = item_transition(item=item, name="start", actor=handler)
    item = item_transition(
        item=item,
        name="draft_answer",
        actor=handler,
        answer="Đã sửa đường, cảm ơn Trần Thị Bình",
        public_summary="Phản ánh đường thôn 3 sạt lở",
        public_answer="Đã sửa đường, cảm ơn chị tran thi binh",
    )
    item = item_transition(item=item, name="approve_answer", actor=head)
    assert item.status == "answered" and item.is_published
    assert "tran thi binh" not in item.public_answer and item.public_summary


@pytest.mark.django_db
def test_a_new_item_is_indexed_for_staff_without_touching_the_public_index(tree):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from langnghe.search.models import SearchDocument

    with CaptureQueriesContext(connection) as ctx:
        item, _secret = submit_one(tree.commune, kind=Kind.FEEDBACK)
    table = SearchDocument._meta.db_table
    assert SearchDocument.objects.filter(key=f"item:{item.pk}").exists()
    assert not SearchDocument.objects.filter(key=f"pub:{item.pk}").exists()
    # A new item has no public document: nothing to delete (one statement less per submission).
    assert not [
        q for q in ctx.captured_queries if q["sql"].startswith("DELETE") and table in q["sql"]
    ]


@pytest.mark.django_db
def test_routing_or_assigning_again_to_the_same_records_nothing(tree):
    """Sent twice (another tab, a double click): the item stays as it is, with no second event."""
    from langnghe.handling.models import ItemEvent
    from langnghe.handling.services import item_assign, item_route

    head = user("truong", grants=[(tree.commune, Role.UNIT_HEAD)])
    handler = user("xuly", grants=[(tree.commune, Role.HANDLER)])
    item, _ = submit_one(tree.commune)
    events = ItemEvent.objects.filter(item=item)
    before = events.count()
    item_route(item=item, actor=head, unit=tree.commune)
    assert events.count() == before
    item_assign(item=item, handler=handler, actor=head)
    assigned = events.count()
    item_assign(item=item, handler=handler, actor=head)
    assert events.count() == assigned == before + 1
