from __future__ import annotations

import pytest

from langnghe.disclosure import selectors, services
from langnghe.handling.services import item_transition
from langnghe.intake.models import Kind
from langnghe.orgs.models import Role

from ..factories import person, submit_one, user


@pytest.fixture
def staff(tree):
    return type(
        "Staff",
        (),
        dict(
            handler=user(grants=[(tree.commune, Role.HANDLER)]),
            head=user(grants=[(tree.commune, Role.UNIT_HEAD)]),
        ),
    )


def answer(item, staff, *, public="Đã tiếp thu.", publish=True):
    item = item_transition(item=item, name="start", actor=staff.handler)
    item = item_transition(
        item=item,
        name="draft_answer",
        actor=staff.handler,
        answer="Trả lời riêng cho người gửi",
        public_summary="Góp ý về dự toán",
        public_answer=public,
    )
    return item_transition(item=item, name="approve_answer", actor=staff.head, publish=publish)


@pytest.mark.django_db
def test_public_answers_show_only_published_answers_never_the_comment(published, staff):
    a = services.publication_comment_submit(
        publication=published, kind=Kind.SUGGESTION, body="Nguyễn Văn Tư ở thôn 2 góp ý"
    ).items[0]
    b = services.publication_comment_submit(
        publication=published, kind=Kind.FEEDBACK, body="Ý kiến chưa trả lời"
    ).items[0]
    answer(a, staff)
    got = selectors.public_answers(published)
    assert got.received == 2
    assert [i.pk for i in got.answered] == [a.pk]
    assert b.pk not in [i.pk for i in got.answered]


@pytest.mark.django_db
def test_cadre_counts_received_answered_on_time_open_by_kind(tree, staff):
    cadre = person("Phạm Văn Em", org=tree.commune)
    first, _ = submit_one(tree.commune, kind=Kind.FEEDBACK, concerned_person=cadre)
    submit_one(tree.commune, kind=Kind.RECOMMENDATION, concerned_person=cadre)
    answer(first, staff)
    counts = selectors.person_feedback_counts(cadre)
    # The answer had no time limit running (PA-8): answered, neither on time nor late.
    assert (counts.received, counts.answered, counts.answered_on_time, counts.open) == (2, 1, 0, 1)
    assert dict(counts.by_kind) == {"Phản ánh": 1, "Kiến nghị": 1}


def main(html: str) -> str:
    """The page's own content (the footer's language form carries a fresh CSRF token)."""
    return html[html.index("<main") : html.index("</main>")]


@pytest.mark.django_db
def test_tc16_a_denunciation_about_the_cadre_does_not_change_the_public_page(tree, client):
    cadre = person("Đỗ Thị Giang", org=tree.commune)
    submit_one(tree.commune, kind=Kind.FEEDBACK, concerned_person=cadre)
    before = selectors.person_feedback_counts(cadre)
    page_before = main(client.get(f"/cong-khai/can-bo/{cadre.pk}/").content.decode())
    submit_one(
        tree.commune,
        kind=Kind.DENUNCIATION,
        body="Cán bộ Giang nhận tiền của dân",
        concerned_person=cadre,
        identity={"name": "Người tố cáo", "phone": "0905000111"},
    )
    after = selectors.person_feedback_counts(cadre)
    assert after == before
    page_after = main(client.get(f"/cong-khai/can-bo/{cadre.pk}/").content.decode())
    assert page_after == page_before
    assert "Tố cáo" not in page_after
    assert "nhận tiền" not in page_after and "Người tố cáo" not in page_after


@pytest.mark.django_db
def test_cadre_page_never_shows_reporter_or_item_text(tree, client):
    cadre = person("Vũ Văn Hải", org=tree.commune)
    submit_one(
        tree.commune,
        kind=Kind.FEEDBACK,
        body="Ông Hải hay vắng mặt ở trụ sở",
        concerned_person=cadre,
        identity={"name": "Lý Thị Kim", "phone": "0905999888"},
    )
    html = client.get(f"/cong-khai/can-bo/{cadre.pk}/").content.decode()
    assert "Lý Thị Kim" not in html and "vắng mặt" not in html and "0905999888" not in html
    assert "Đã nhận" in html


@pytest.mark.django_db
def test_publications_for_staff_are_filtered_by_the_tree(tree, people):
    from .conftest import make_publication

    mine = make_publication(tree.commune, people.leader, title="Của xã Sa Thầy")
    make_publication(tree.sibling, people.sibling_leader, title="Của xã Ya Ly")
    titles = [p.title for p in selectors.publications_for(actor=people.receptionist)]
    assert titles == [mine.title]
    assert list(selectors.publications_for(actor=people.handler)) == []
    late = selectors.publications_for(
        actor=people.leader, filters=selectors.PublicationFilters(late=True)
    )
    assert list(late) == []
