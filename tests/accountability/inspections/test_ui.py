"""What the inspection pages show (the UI review of issue 4): labels in the reader's language,
the printed documents, the links to follow the story, and the choices offered on the forms."""

from __future__ import annotations

import datetime as dt
import inspect

from django.utils import translation

from langnghe.accountability.discipline import services as discipline_services
from langnghe.accountability.inspections import demo, policy, services
from langnghe.accountability.inspections.models import Inspection
from langnghe.orgs.models import Organisation, PartyStatus, Role

from ...factories import org, person, user
from .helpers import concluded, opened, to_conduct


def _en(client):
    client.cookies["django_language"] = "en"


def test_kt5_printed_decision_names_the_kind(client, world):
    i = to_conduct(world)
    client.force_login(world.inspector)
    page = client.get(f"/quan-ly/kiem-tra/{i.pk}/in/quyet-dinh/").content.decode()
    assert "Tiến hành kiểm tra khi có dấu hiệu vi phạm đối với" in page
    assert "Tiến hành  đối với" not in page


def test_print_heading_is_a_party_document_heading(client, world):
    i = to_conduct(world)
    client.force_login(world.inspector)
    for url in (f"/quan-ly/kiem-tra/{i.pk}/in/quyet-dinh/",):
        page = client.get(url).content.decode()
        # The issuing body with its parent and the "*" below it; the party's name on the right;
        # the signature block names the body and leaves a line for the signer.
        assert '<p class="star">*</p>' in page
        assert world.tree.party.name in page and "ĐẢNG CỘNG SẢN VIỆT NAM" in page
        assert "Số 01-QĐ/UBKT" in page
        assert f"T/M {i.commission.name}" in page and "……………………" in page
        assert ".head p { text-align: center" in page


def test_rule_book_labels_follow_the_language():
    with translation.override("en"):
        assert policy.kind_label("on_violation_signs") == "Inspection on signs of violation"
        assert policy.state_label("subject_report_received") == "Explanatory report received"
        assert [p.label for p in policy.phases()] == ["Preparation", "Conduct", "Conclusion"]
        assert policy.severity_label("shortcoming") == "Shortcomings"
        assert all(label != code for code, label in policy.notice_recipient_choices())
    with translation.override("vi"):
        assert policy.kind_label("on_violation_signs") == "Kiểm tra khi có dấu hiệu vi phạm"
        assert policy.phases()[0].label == "Chuẩn bị"


def test_english_inspection_page_has_no_vietnamese_rule_book_labels(client, world):
    i = to_conduct(world)
    services.explanatory_report_record(
        actor=world.inspector, inspection=i, text="Giải trình.", received_on=world.today
    )
    client.force_login(world.inspector)
    _en(client)
    page = client.get(f"/quan-ly/kiem-tra/{i.pk}/").content.decode()
    assert "Inspection on signs of violation" in page
    assert "Preparation" in page and "Explanatory report received" in page
    for vi in ("Kiểm tra khi có dấu hiệu vi phạm", "Chuẩn bị", "Tiến hành", "Đã nhận báo cáo"):
        assert vi not in page


def test_access_grant_page_names_leaders_family_name_first(client, world):
    world.leader.first_name, world.leader.last_name = "Kim Thủy", "Võ"
    world.leader.save()
    i = opened(world)
    client.force_login(world.inspector)
    url = f"/quan-ly/kiem-tra/{i.pk}/quyen-xem/"
    assert "Võ Kim Thủy" in client.get(url).content.decode()
    client.post(url, {"user": world.leader.pk, "reason": "Chỉ đạo xem xét kỷ luật"})
    page = client.get(url).content.decode()
    assert page.count("Võ Kim Thủy") >= 2 and "Kim Thủy Võ" not in page


def test_denunciation_link_shown_to_inspectors_only(client, world):
    i = opened(world)
    services.access_grant(actor=world.inspector, inspection=i, user_id=world.leader.pk, reason="x")
    link = "/quan-ly/kiem-tra/don-to-cao/"
    client.force_login(world.inspector)
    assert link in client.get(f"/quan-ly/kiem-tra/{i.pk}/").content.decode()
    client.force_login(world.leader)
    assert client.get(link).status_code == 404
    for url in ("/quan-ly/kiem-tra/", f"/quan-ly/kiem-tra/{i.pk}/", "/quan-ly/kiem-tra/ke-hoach/"):
        assert link not in client.get(url).content.decode()


def test_new_inspection_subjects_are_those_the_commission_covers(client, world):
    tree = world.tree
    cell = org("Chi bộ thôn 1", parent=tree.party, kind=Organisation.Kind.PARTY_CELL)
    old_cell = org("Chi bộ đã giải thể", parent=tree.party, kind=Organisation.Kind.PARTY_CELL)
    old_cell.valid_to = dt.date(2025, 6, 30)
    old_cell.save()
    other_party = Organisation.objects.get(name="Đảng ủy xã Ya Ly")
    member = person("Nguyễn Thị Chi Bộ")
    member.is_party_member, member.party_status, member.party_cell = True, PartyStatus.FULL, cell
    member.save()
    far = person("Trần Văn Xa")
    far.is_party_member, far.party_status = True, PartyStatus.FULL
    far.party_cell = org("Chi bộ Ya Ly", parent=other_party, kind=Organisation.Kind.PARTY_CELL)
    far.save()
    client.force_login(world.inspector)
    form = client.get("/quan-ly/kiem-tra/them/").context["form"]
    orgs = list(form.fields["subject_org"].queryset)
    people = list(form.fields["subject_person"].queryset)
    assert tree.party in orgs and cell in orgs
    assert other_party not in orgs and old_cell not in orgs and tree.ubkt not in orgs
    assert len(orgs) == len(set(orgs))
    assert member in people and world.cadre in people  # by cell; by a post in the committee
    assert far not in people and len(people) == len(set(people))
    # A tampered POST naming an organisation outside the commission is refused, input kept.
    before = Inspection.objects.count()
    r = client.post(
        "/quan-ly/kiem-tra/them/",
        {
            "commission": tree.ubkt.pk,
            "kind": "thematic",
            "title": "Kiểm tra chuyên đề X",
            "subject_org": other_party.pk,
        },
    )
    assert r.status_code == 200 and Inspection.objects.count() == before
    assert "Kiểm tra chuyên đề X" in r.content.decode()
    # Within scope it works.
    r = client.post(
        "/quan-ly/kiem-tra/them/",
        {
            "commission": tree.ubkt.pk,
            "kind": "thematic",
            "title": "Kiểm tra Y",
            "subject_org": cell.pk,
        },
    )
    assert r.status_code == 302 and Inspection.objects.count() == before + 1


def test_inspection_page_links_the_discipline_decisions_based_on_it(client, world):
    i = concluded(world)
    world.cadre.party_status = PartyStatus.FULL
    world.cadre.save()
    d = discipline_services.decision_create(
        actor=world.inspector,
        deciding_body=world.tree.party,
        subject_person=world.cadre,
        form="reprimand",
        grounds="Vi phạm theo kết luận kiểm tra.",
        inspection=i,
    )
    other = opened(world)
    client.force_login(world.inspector)
    assert f"/quan-ly/ky-luat/{d.pk}/" in client.get(f"/quan-ly/kiem-tra/{i.pk}/").content.decode()
    assert (
        f"/quan-ly/ky-luat/{d.pk}/"
        not in client.get(f"/quan-ly/kiem-tra/{other.pk}/").content.decode()
    )
    # A reader of the inspection who may not see the decision gets no link to it: the leader of
    # an inspected cell reads the inspection (granted) but not the committee's decision.
    cell = org("Chi bộ thôn 2", parent=world.tree.party, kind=Organisation.Kind.PARTY_CELL)
    i2 = services.inspection_create(
        actor=world.inspector,
        commission=world.tree.ubkt,
        kind="thematic",
        title="Kiểm tra chi bộ thôn 2",
        subject_org=cell,
    )
    d2 = discipline_services.decision_create(
        actor=world.inspector,
        deciding_body=world.tree.party,
        subject_org=cell,
        form="reprimand",
        grounds="Vi phạm.",
        inspection=i2,
    )
    cell_leader = user("bithu_chibo", grants=[(cell, Role.LEADER)])
    services.access_grant(actor=world.inspector, inspection=i2, user_id=cell_leader.pk, reason="x")
    client.force_login(world.inspector)
    assert (
        f"/quan-ly/ky-luat/{d2.pk}/" in client.get(f"/quan-ly/kiem-tra/{i2.pk}/").content.decode()
    )
    client.force_login(cell_leader)
    page = client.get(f"/quan-ly/kiem-tra/{i2.pk}/")
    assert page.status_code == 200 and f"/quan-ly/ky-luat/{d2.pk}/" not in page.content.decode()


def test_demo_conclusion_does_not_refer_to_the_denouncer_by_a_gendered_title():
    source = inspect.getsource(demo)
    assert "của bà" not in source and "của ông" not in source
