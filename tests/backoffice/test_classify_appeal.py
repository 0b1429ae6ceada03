"""Correcting intake (classification) and lodging a second complaint, through the back office."""

from __future__ import annotations

import pytest

from langnghe.handling.services import item_transition
from langnghe.intake.models import Item, Kind
from langnghe.intake.services import item_by_receipt

from ..factories import submit_one


@pytest.mark.django_db
def test_receptionist_reclassifies_a_feedback_as_a_denunciation(login, tree, staff):
    item, _ = submit_one(
        tree.commune,
        kind=Kind.FEEDBACK,
        identity={"name": "Võ Văn Tám"},
        body="Tôi là Võ Văn Tám, cán bộ địa chính nhận tiền",
    )
    client = login(staff.receptionist)
    page = client.get(f"/quan-ly/y-kien/{item.pk}/")
    assert "Điều chỉnh phân loại" in page.content.decode()
    response = client.post(
        f"/quan-ly/y-kien/{item.pk}/phan-loai/",
        {"kind": Kind.DENUNCIATION, "reason": "Nội dung là tố cáo"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.workflow == "denunciation" and "Võ Văn Tám" not in item.body


@pytest.mark.django_db
def test_classification_needs_a_reason_and_the_route_permission(login, tree, staff):
    item, _ = submit_one(tree.commune)
    response = login(staff.receptionist).post(
        f"/quan-ly/y-kien/{item.pk}/phan-loai/", {"kind": Kind.COMPLAINT}
    )
    assert response.status_code == 400
    assert Item.objects.get(pk=item.pk).kind == Kind.FEEDBACK
    response = login(staff.handler).post(
        f"/quan-ly/y-kien/{item.pk}/phan-loai/",
        {"kind": Kind.COMPLAINT, "reason": "x"},
    )
    assert response.status_code == 403
    assert Item.objects.get(pk=item.pk).kind == Kind.FEEDBACK


@pytest.mark.django_db
def test_reception_lodges_a_second_complaint_and_prints_a_working_receipt(login, tree, staff):
    item, _ = submit_one(tree.commune, kind=Kind.COMPLAINT)
    for name in ("accept", "start_verification"):
        item = item_transition(item=item, name=name, actor=staff.handler)
    item = item_transition(item=item, name="draft_answer", actor=staff.handler, answer="Bác đơn")
    item = item_transition(item=item, name="approve_answer", actor=staff.head)
    item = item_transition(item=item, name="send_decision", actor=staff.handler)
    client = login(staff.receptionist)
    response = client.post(
        f"/quan-ly/y-kien/{item.pk}/khieu-nai-lan-hai/", {"body": "Không đồng ý"}
    )
    assert response.status_code == 302 and response["Location"].endswith("/tiep-nhan/bien-nhan/")
    second = Item.objects.get(split_from=item, workflow="complaint_second")
    page = client.get("/quan-ly/tiep-nhan/bien-nhan/").content.decode()
    assert second.code in page
    import re

    secret = re.search(r"[A-Z2-9]{5}-[A-Z2-9]{5}-[A-Z2-9]{5}-[A-Z2-9]{5}", page).group(0)
    assert item_by_receipt(code=second.code, secret=secret) == second
