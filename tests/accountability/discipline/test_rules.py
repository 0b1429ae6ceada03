"""Legal rules of party discipline, named by their RULES.md IDs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from langnghe.accountability.discipline import policy, services
from langnghe.accountability.discipline.errors import DisciplineError
from langnghe.accountability.discipline.models import (
    DecisionStatus,
    DisciplineDecision,
    StateNotice,
)
from langnghe.core.calendar import get_calendar
from langnghe.core.models import AuditEvent
from langnghe.disclosure.models import Publication
from langnghe.intake.models import Kind
from langnghe.orgs.models import Organisation, Position

from ...factories import org, submit_one

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _create(world, *, form, actor=None, body=None, **subject):
    return services.decision_create(
        actor=actor or world.users["inspector"],
        deciding_body=body or world.party,
        form=form,
        grounds="Vi phạm quy định về những điều đảng viên không được làm.",
        **subject,
    )


# -- KT-8 ------------------------------------------------------------------------------------


def test_kt8_party_org_forms(world):
    assert [c for c, _l in services.forms_for("party_org")] == [
        "reprimand",
        "warning",
        "dissolution",
    ]
    for form in ("reprimand", "warning", "dissolution"):
        d = _create(world, form=form, subject_org=world.cell)
        assert d.subject_type == "party_org"
    for form in ("removal_from_post", "expulsion"):
        with pytest.raises(DisciplineError) as e:
            _create(world, form=form, subject_org=world.cell)
        assert e.value.code == DisciplineError.FORM_NOT_ALLOWED
        assert "KT-8" in str(e.value.message)
    # A people's committee is not a party organisation: no party discipline on it.
    with pytest.raises(DisciplineError) as e:
        _create(world, form="reprimand", subject_org=world.commune)
    assert e.value.code == DisciplineError.BAD_SUBJECT
    assert DisciplineDecision.objects.count() == 3


def test_kt8_full_member_forms(world):
    assert [c for c, _l in services.forms_for("full_member")] == [
        "reprimand",
        "warning",
        "removal_from_post",
        "expulsion",
    ]
    for form in ("reprimand", "warning", "removal_from_post", "expulsion"):
        d = _create(world, form=form, subject_person=world.cadre)
        assert d.subject_type == "full_member"
    with pytest.raises(DisciplineError) as e:
        _create(world, form="dissolution", subject_person=world.cadre)
    assert e.value.code == DisciplineError.FORM_NOT_ALLOWED
    assert "Giải tán" in str(e.value.message) and "Khai trừ" in str(e.value.message)


def test_kt8_probationary_member_forms_refuse_removal_and_expulsion(world):
    assert [c for c, _l in services.forms_for("probationary_member")] == ["reprimand", "warning"]
    for form in ("reprimand", "warning"):
        assert _create(world, form=form, subject_person=world.probationer).subject_type == (
            "probationary_member"
        )
    for form in ("removal_from_post", "expulsion", "dissolution"):
        with pytest.raises(DisciplineError) as e:
            _create(world, form=form, subject_person=world.probationer)
        assert e.value.code == DisciplineError.FORM_NOT_ALLOWED
        assert "đảng viên dự bị" in str(e.value.message)
    assert DisciplineDecision.objects.count() == 2


def test_kt8_status_is_read_again_on_the_decision_date(world):
    """The member's status at the decision counts: a probationer made full member meanwhile may
    then receive the full member's forms, and the other way round is refused at decision."""
    d = _create(world, form="warning", subject_person=world.probationer)
    world.probationer.party_status = "full"
    world.probationer.save()
    d = services.decision_decide(
        decision=d, actor=world.users["inspector"], number="01-QĐ/ĐU", decided_on=TODAY()
    )
    assert d.subject_type == "full_member"
    d2 = _create(world, form="expulsion", subject_person=world.cadre)
    world.cadre.party_status = "probationary"
    world.cadre.save()
    with pytest.raises(DisciplineError) as e:
        services.decision_decide(
            decision=d2, actor=world.users["inspector"], number="02-QĐ/ĐU", decided_on=TODAY()
        )
    assert e.value.code == DisciplineError.FORM_NOT_ALLOWED
    d2.refresh_from_db()
    assert d2.status == DecisionStatus.DRAFT and d2.number == ""


def test_kt8_removal_from_post_needs_a_post(world):
    with pytest.raises(DisciplineError) as e:
        _create(world, form="removal_from_post", subject_person=world.retired)
    assert e.value.code == DisciplineError.NO_POST
    assert "cách chức" in str(e.value.message)
    # The post is judged on the decision date: held then, ended since → still allowed then.
    d = _create(world, form="removal_from_post", subject_person=world.cadre)
    Position.objects.filter(person=world.cadre).update(valid_to=TODAY() - dt.timedelta(days=3))
    with pytest.raises(DisciplineError):
        services.decision_decide(
            decision=d, actor=world.users["inspector"], number="3", decided_on=TODAY()
        )
    d = services.decision_decide(
        decision=d,
        actor=world.users["inspector"],
        number="3",
        decided_on=TODAY() - dt.timedelta(days=5),
    )
    assert d.status == DecisionStatus.DECIDED


def test_kt8_non_member_refused(world):
    with pytest.raises(DisciplineError) as e:
        _create(world, form="reprimand", subject_person=world.outsider)
    assert e.value.code == DisciplineError.NOT_A_MEMBER
    assert "không phải là đảng viên" in str(e.value.message)
    # Neither org nor person, or both: refused.
    with pytest.raises(DisciplineError):
        _create(world, form="reprimand")
    with pytest.raises(DisciplineError):
        _create(world, form="reprimand", subject_org=world.cell, subject_person=world.cadre)
    # A state body cannot take a party discipline decision.
    with pytest.raises(DisciplineError) as e:
        _create(
            world,
            form="reprimand",
            subject_person=world.cadre,
            actor=world.users["leader"],
            body=world.commune,
        )
    assert e.value.code == DisciplineError.BAD_BODY
    assert DisciplineDecision.objects.count() == 0


def test_kt11_competence_and_limitation_unverified_shown(world, client, settings, tmp_path):
    statuses = {(s.cite, s.label): s for s in policy.rule_status()}
    comp = statuses[("KT-11", "Thẩm quyền quyết định từng hình thức kỷ luật")]
    lim = statuses[("KT-11", "Thời hiệu xử lý kỷ luật")]
    assert comp.unverified and comp.value == "" and comp.verified == "U"
    assert lim.unverified and lim.value == ""
    assert statuses[("KT-10", "Văn bản thay thế danh mục kỷ luật")].unverified
    d = _create(world, form="reprimand", subject_person=world.cadre)
    assert [w["cite"] for w in d.warnings] == ["KT-11"]
    client.force_login(world.users["inspector"])
    page = client.get(f"/quan-ly/ky-luat/{d.pk}/").content.decode()
    assert "chưa xác minh — cấu hình tại địa phương" in page
    assert "KT-11" in page and "KT-10" in page
    rules_page = client.get("/quan-ly/ky-luat/quy-dinh/").content.decode()
    assert rules_page.count("chưa xác minh — cấu hình tại địa phương") >= 3


def test_kt11_competence_checked_when_configured_locally(world, settings, tmp_path):
    from langnghe.core.ruledata import get_rulebook

    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "discipline.yaml").write_text(
        "settings:\n  competence_matrix:\n    reprimand: [party_cell, party_committee]\n"
        "    expulsion: [party_committee]\n",
        encoding="utf-8",
    )
    settings.DATA_DIR = tmp_path
    get_rulebook.cache_clear()
    try:
        assert _create(world, form="reprimand", subject_person=world.cadre).warnings == []
        with pytest.raises(DisciplineError) as e:
            _create(world, form="expulsion", subject_person=world.cadre, body=world.ubkt)
        assert e.value.code == DisciplineError.COMPETENCE
        with pytest.raises(DisciplineError):
            _create(world, form="warning", subject_person=world.cadre)
    finally:
        get_rulebook.cache_clear()


def test_kt4_cell_on_committee_member_is_a_warning(world):
    Position.objects.create(
        person=world.cadre, organisation=world.party, title="Đảng ủy viên", role="member"
    )
    leader_of_cell = world.users["leader"]
    d = _create(
        world,
        form="reprimand",
        subject_person=world.cadre,
        actor=leader_of_cell,
        body=world.cell,
    )
    cites = [w["cite"] for w in d.warnings]
    assert "KT-4" in cites
    assert d.status == DecisionStatus.DRAFT


# -- KT-3 ------------------------------------------------------------------------------------


def test_kt3_notice_due_within_5_days(world):
    leader = world.users["state_leader"]
    day = TODAY() - dt.timedelta(days=10)
    notice = services.notice_create(
        actor=leader,
        issuing_org=world.commune,
        person=world.cadre,
        measure="reprimand",
        decided_on=day,
        decision_number="15/QĐ-UBND",
    )
    # 5 "ngày" = calendar days as written, whatever the weekends.
    assert notice.due_on == day + dt.timedelta(days=5)
    assert notice.due_cite == "KT-3"
    assert notice.receiving_org == world.cell  # the member's own cell
    assert notice.measure_label == "Khiển trách"
    assert notice.is_overdue() and not notice.is_late
    notice = services.notice_mark_sent(notice=notice, actor=leader, sent_on=day + dt.timedelta(5))
    assert not notice.is_late and not notice.is_overdue()
    late = services.notice_create(
        actor=leader,
        issuing_org=world.commune,
        person=world.cadre,
        measure="suspension",
        decided_on=day,
    )
    late = services.notice_mark_sent(notice=late, actor=leader, sent_on=day + dt.timedelta(6))
    assert late.is_late
    # Not a party member: no notice is needed, and the system says so.
    with pytest.raises(DisciplineError) as e:
        services.notice_create(
            actor=leader,
            issuing_org=world.commune,
            person=world.outsider,
            measure="reprimand",
            decided_on=day,
        )
    assert e.value.code == DisciplineError.NOTICE_NOT_NEEDED
    assert "không cần thông báo" in str(e.value.message)
    # A party organisation does not send itself a KT-3 notice.
    with pytest.raises(DisciplineError) as e:
        services.notice_create(
            actor=world.users["leader"],
            issuing_org=world.party,
            person=world.cadre,
            measure="reprimand",
            decided_on=day,
        )
    assert e.value.code == DisciplineError.BAD_ISSUER
    assert StateNotice.objects.count() == 2


def test_kt3_without_a_cell_goes_to_the_party_committee(world):
    world.cadre.party_cell = None
    world.cadre.save()
    Position.objects.create(
        person=world.cadre, organisation=world.party, title="Đảng ủy viên", role="member"
    )
    notice = services.notice_create(
        actor=world.users["state_leader"],
        issuing_org=world.commune,
        person=world.cadre,
        measure="warning",
        decided_on=TODAY(),
    )
    assert notice.receiving_org == world.party
    world.probationer.party_cell = None
    world.probationer.save()
    with pytest.raises(DisciplineError) as e:
        services.notice_create(
            actor=world.users["state_leader"],
            issuing_org=world.commune,
            person=world.probationer,
            measure="warning",
            decided_on=TODAY(),
        )
    assert e.value.code == DisciplineError.NO_PARTY_ORG


# -- TC-17 -----------------------------------------------------------------------------------


def test_tc17_decision_published_redacted_within_7_wd(world):
    item, _secret = submit_one(
        world.commune,
        kind=Kind.FEEDBACK,
        body="Phó chủ tịch xã gây khó dễ",
        identity={"name": "Trần Thị Bình", "phone": "0905123456", "address": "Thôn 3"},
        concerned_person=world.cadre,
    )
    leader = world.users["leader"]
    cal = get_calendar()
    decided = cal.add_working_days(TODAY(), -7)
    d = services.decision_create(
        actor=leader,
        deciding_body=world.party,
        subject_person=world.cadre,
        form="reprimand",
        grounds="Theo phản ánh của bà Trần Thị Bình (0905123456), ông Cường gây khó dễ.",
        source_items=[item],
    )
    d = services.decision_decide(decision=d, actor=leader, number="12-QĐ/ĐU", decided_on=decided)
    due = cal.add_working_days(decided, 7)
    assert d.publish_due == due
    # Published on the last day allowed (or today, if that is earlier): on time.
    d = services.decision_publish(decision=d, actor=leader, published_on=min(due, TODAY()))
    assert d.status == DecisionStatus.PUBLISHED and not d.published_late
    pub = Publication.objects.get(pk=d.publication_id)
    assert pub.status == Publication.Status.PUBLISHED
    assert pub.category == "dc1_10_inspection_discipline" or world.party.level != "commune"
    assert "Trần Thị Bình" not in pub.body and "0905123456" not in pub.body
    assert "Phạm Văn Cường" in pub.title and not pub.is_late
    assert AuditEvent.objects.filter(action="discipline.published", object_id=d.pk).exists()

    # One decided 8 working days ago is late, and flagged so.
    late = _create(world, form="warning", subject_person=world.cadre, actor=leader)
    late = services.decision_decide(
        decision=late,
        actor=leader,
        number="13-QĐ/ĐU",
        decided_on=get_calendar().add_working_days(TODAY(), -8),
    )
    assert late.publish_overdue
    late = services.decision_publish(decision=late, actor=leader)
    assert late.published_late
    assert Publication.objects.get(pk=late.publication_id).is_late
    # A draft is never published.
    draft = _create(world, form="warning", subject_person=world.cadre, actor=leader)
    with pytest.raises(DisciplineError):
        services.decision_publish(decision=draft, actor=leader)


def test_publication_category_for_a_provincial_body(world):
    prov = org("Tỉnh ủy", kind=Organisation.Kind.PARTY_COMMITTEE, level="province")
    d = DisciplineDecision(deciding_body=prov)
    assert services.publication_category(d) == "p99_corruption_results"
    d = DisciplineDecision(deciding_body=world.cell)
    assert services.publication_category(d) == "dc1_10_inspection_discipline"
