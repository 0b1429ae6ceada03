"""What the discipline pages show (the UI review of issue 4): warnings and rule labels in the
reader's language, shown once; no internal codes; the KT-8 refusal on the form; links to follow
the story; one-sentence dates on the printed documents."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone, translation

from langnghe.accountability.discipline import policy, services
from langnghe.accountability.inspections import services as inspection_services
from langnghe.handling.rules import can
from langnghe.intake.models import Kind

from ...factories import submit_one


def _create(world, **kwargs):
    data = dict(
        actor=world.users["inspector"],
        deciding_body=world.party,
        subject_person=world.cadre,
        form="reprimand",
        grounds="Vi phạm quy định về những điều đảng viên không được làm.",
    )
    data.update(kwargs)
    return services.decision_create(**data)


def test_kt11_warning_in_the_readers_language_and_shown_once(world, client):
    d = _create(world)
    assert [w["cite"] for w in d.warnings] == ["KT-11"]
    client.force_login(world.users["inspector"])
    page = client.get(f"/quan-ly/ky-luat/{d.pk}/").content.decode()
    assert page.count("<strong>KT-11</strong>") == 1
    client.cookies["django_language"] = "en"
    page = client.get(f"/quan-ly/ky-luat/{d.pk}/").content.decode()
    assert "The authority to decide each disciplinary measure" in page
    assert "Hãy kiểm tra thẩm quyền" not in page
    with translation.override("en"):
        assert d.warning_lines[0]["text"] == policy.kt11_warning(world.party.name)


def test_kt11_shown_once_on_the_create_page(world, client):
    client.force_login(world.users["inspector"])
    page = client.get("/quan-ly/ky-luat/moi/").content.decode()
    assert page.count("<strong>KT-11</strong>") == 1
    assert "Thẩm quyền quyết định từng hình thức kỷ luật; Thời hiệu xử lý kỷ luật" in page


def test_no_items_note_only_once_a_subject_is_chosen(world, client):
    client.force_login(world.users["inspector"])
    note = "Không có ý kiến nào của người dân về đối tượng này"
    assert note not in client.get("/quan-ly/ky-luat/moi/").content.decode()
    page = client.get(f"/quan-ly/ky-luat/moi/?subject=p{world.retired.pk}").content.decode()
    assert note in page


def test_kt8_form_refused_on_the_form_naming_the_allowed_forms(world, client):
    client.force_login(world.users["inspector"])
    r = client.post(
        "/quan-ly/ky-luat/moi/",
        {
            "deciding_body": world.party.pk,
            "subject": f"p{world.probationer.pk}",
            "form": "expulsion",
            "grounds": "Vi phạm nghiêm trọng.",
        },
    )
    page = r.content.decode()
    assert r.status_code == 200
    assert "Hình thức “Khai trừ” không áp dụng cho đảng viên dự bị (KT-8)" in page
    assert "Khiển trách, Cảnh cáo" in page
    assert "lựa chọn khả thi" not in page and "expulsion không" not in page
    assert "Vi phạm nghiêm trọng." in page  # the user's text is kept


def test_rule_names_translatable_and_tags_with_legend_no_rules_md(world, client):
    with translation.override("vi"):
        labels = [str(r.label) for r in policy.rule_status()]
    assert "Thẩm quyền quyết định từng hình thức kỷ luật" in labels
    client.force_login(world.users["inspector"])
    page = client.get("/quan-ly/ky-luat/quy-dinh/").content.decode()
    assert "RULES.md" not in page
    assert "V2: nguồn thứ cấp" in page and "W: nguồn yếu" in page and "U: chưa xác minh" in page
    client.force_login(world.users["state_leader"])
    form_page = client.get("/quan-ly/ky-luat/thong-bao/moi/").content.decode()
    assert "RULES.md" not in form_page and "NĐ 155/2026 Đ40–41a" in form_page


def test_kt3_state_measure_in_the_readers_language(world, client):
    actor = world.users["state_leader"]
    n = services.notice_create(
        actor=actor,
        issuing_org=world.commune,
        person=world.cadre,
        measure="reprimand",
        decided_on=timezone.localdate() - dt.timedelta(days=1),
        decision_number="7/QĐ-UBND",
    )
    client.force_login(actor)
    client.cookies["django_language"] = "en"
    for url in ("/quan-ly/ky-luat/thong-bao/", f"/quan-ly/ky-luat/thong-bao/{n.pk}/in/"):
        page = client.get(url).content.decode()
        assert "Reprimand" in page or "reprimand" in page, url
        assert "Khiển trách" not in page and "khiển trách" not in page, url
    with translation.override("vi"):
        assert n.measure_name == "Khiển trách"


def test_decision_links_the_inspection_and_the_items_the_actor_may_read(world, client):
    item, _secret = submit_one(
        world.commune,
        kind=Kind.FEEDBACK,
        body="Phó chủ tịch xã gây khó dễ",
        concerned_person=world.cadre,
    )
    inspector = world.users["inspector"]
    inspection = inspection_services.inspection_create(
        actor=inspector,
        commission=world.tree.ubkt,
        kind="thematic",
        title="Kiểm tra chuyên đề chi bộ",
        subject_org=world.cell,
    )
    d = _create(world, actor=world.users["leader"], inspection=inspection, source_items=[item])
    inspection_url = f"/quan-ly/kiem-tra/{inspection.pk}/"
    item_url = f"/quan-ly/y-kien/{item.pk}/"
    for key in ("inspector", "leader"):
        u = world.users[key]
        client.force_login(u)
        page = client.get(f"/quan-ly/ky-luat/{d.pk}/").content.decode()
        assert "Kiểm tra chuyên đề chi bộ" in page and item.code in page
        assert (inspection_url in page) == can(u, "inspections.view_inspection", inspection), key
        assert (item_url in page) == can(u, "handling.view_item", item), key
    # The inspector reads the inspection; the leader (no access grant) does not.
    client.force_login(inspector)
    assert inspection_url in client.get(f"/quan-ly/ky-luat/{d.pk}/").content.decode()
    client.force_login(world.users["leader"])
    assert inspection_url not in client.get(f"/quan-ly/ky-luat/{d.pk}/").content.decode()


def test_printed_date_line_is_one_sentence(world, client):
    d = _create(world, actor=world.users["leader"])
    d = services.decision_decide(
        decision=d, actor=world.users["leader"], number="18-QĐ/ĐU", decided_on=dt.date(2026, 1, 20)
    )
    d.place = "Sa Thầy"
    d.save(update_fields=["place"])
    client.force_login(world.users["leader"])
    page = client.get(f"/quan-ly/ky-luat/{d.pk}/in/").content.decode()
    assert "Sa Thầy, ngày 20 tháng 01 năm 2026" in page
    client.cookies["django_language"] = "en"
    page = client.get(f"/quan-ly/ky-luat/{d.pk}/in/").content.decode()
    assert "Sa Thầy, 20/01/2026" in page and "days" not in page
