"""What the supervision pages show (the UI review of issue 4): item states as labels, the public
answer on the reopen list, a document number on the recommendation letter, phone-friendly
deadline tables and one-sentence decision references."""

from __future__ import annotations

import pytest
from django.urls import reverse

from langnghe.accountability.supervision import services
from langnghe.handling.selectors import status_label

from .helpers import D, answered_item, front_item, run_to_result, supervision

pytestmark = pytest.mark.django_db


def test_grounds_list_shows_item_states_as_labels(client, world):
    item = front_item(world, body="Đường thôn 3 hỏng")
    s = supervision(world, items=[item], grounds=["petitions"])
    label = status_label(item)
    assert label and label != item.status
    client.force_login(world.liaison)
    page = client.get(reverse("supervision_backoffice:supervision", args=[s.pk])).content.decode()
    assert f"· {label}" in page
    assert f"· {item.status}<" not in page and f"· {item.status} " not in page


def test_reopen_list_shows_the_public_answer_not_the_problem(client, world):
    item, _ = answered_item(world)
    client.force_login(world.liaison)
    page = client.get(reverse("supervision_backoffice:reopen_list")).content.decode()
    assert item.code in page
    assert "Đã sửa xong." in page  # what the unit answered
    assert "Phản ánh về đường thôn" in page  # the summary, in its own column
    assert "Trả lời công khai" in page and "Tóm tắt công khai" in page


def test_recommendation_letter_has_a_document_number(client, world):
    s = run_to_result(world, supervision(world))
    r1 = services.recommendation_issue(
        supervision=s,
        content="Trả lời dứt điểm kiến nghị",
        addressees=["supervised"],
        sent_on=world.today,
        actor=world.liaison,
    )
    r2 = services.recommendation_issue(
        supervision=s,
        content="Công khai kết quả",
        addressees=["supervised"],
        sent_on=world.today,
        actor=world.liaison,
        number="15/KN-MTTQ",
    )
    assert r1.number == "01/KN-MTTQ" and r2.number == "15/KN-MTTQ"
    client.force_login(world.liaison)
    url = reverse("supervision_backoffice:recommendation_print", args=[r1.pk])
    assert "01/KN-MTTQ" in client.get(url).content.decode()
    # Through the form: the number typed is kept; too long is refused with the text kept.
    step = reverse("supervision_backoffice:step", args=[s.pk, "recommend"])
    data = {
        "content": "Rà soát danh sách",
        "addressees": ["supervised"],
        "sent_on": world.today.isoformat(),
    }
    r = client.post(step, {**data, "number": "x" * 61})
    assert r.status_code == 400 and "Rà soát danh sách" in r.content.decode()
    r = client.post(step, {**data, "number": "20/KN-MTTQ"})
    assert r.status_code == 302
    assert s.recommendations.filter(number="20/KN-MTTQ").exists()


def test_phone_layout_late_badge_wraps_and_deadline_cells_are_labelled(client, world):
    s = supervision(world, first=world.today + D(days=5))  # the decision is already late
    client.force_login(world.liaison)
    index = client.get(reverse("supervision_backoffice:index")).content.decode()
    assert "sv-late-badge" in index and ".sv-late-badge{white-space:normal" in index
    assert 'data-label="Thời hạn (MT-5)"' in index
    page = client.get(reverse("supervision_backoffice:supervision", args=[s.pk])).content.decode()
    assert 'data-label="Hạn"' in page and 'data-label="Thực hiện"' in page


def test_decision_reference_is_one_sentence(client, world):
    s = run_to_result(world, supervision(world))
    client.force_login(world.liaison)
    page = client.get(reverse("supervision_backoffice:supervision", args=[s.pk])).content.decode()
    assert f"Số 12/QĐ-MTTQ, ngày {s.decision_date:%d/%m/%Y}" in page
