"""RS-9 / TC-14: after a merger the successor handles the old unit's open cases, with their dates
and time limits as they were."""

import datetime as dt

import pytest
from django.utils import timezone

from langnghe.core.errors import PermissionDenied
from langnghe.core.models import AuditEvent
from langnghe.handling.models import ItemEvent
from langnghe.handling.services import item_transition
from langnghe.intake.models import Item, Kind
from langnghe.orgs.models import Organisation, Role, Succession
from langnghe.orgs.services import OrgsError, succession_apply

from ..factories import org, person, submit_one, user

EFFECTIVE = dt.date(2025, 7, 1)
RECEIVED = timezone.make_aware(dt.datetime(2025, 6, 10, 9, 0))


@pytest.fixture
def merger(db):
    province = org("UBND tỉnh Quảng Ngãi", level=Organisation.Level.PROVINCE)
    district = org(
        "UBND huyện Sa Thầy",
        parent=province,
        level=Organisation.Level.DISTRICT_LEGACY,
        valid_to=dt.date(2025, 6, 30),
    )
    old = org("UBND xã Sa Sơn", parent=district, valid_to=dt.date(2025, 6, 30))
    other_old = org("UBND xã Sa Nhơn", parent=district, valid_to=dt.date(2025, 6, 30))
    new = org("UBND xã Sa Thầy", parent=province, valid_from=EFFECTIVE)
    succession = Succession.objects.create(
        kind=Succession.Kind.MERGE,
        predecessor=old,
        successor=new,
        effective_date=EFFECTIVE,
        legal_basis="Nghị quyết 1677/NQ-UBTVQH15 ngày 16/6/2025",
    )
    admin = user(grants=[(province, Role.ADMIN)])
    return type(
        "Merger",
        (),
        dict(
            province=province,
            district=district,
            old=old,
            other_old=other_old,
            new=new,
            succession=succession,
            admin=admin,
        ),
    )


def _snapshot(item):
    item.refresh_from_db()
    return (
        item.received_at,
        item.status,
        item.deadlines,
        item.stage_deadline,
        item.resolution_deadline,
        item.due_on,
        item.is_open,
    )


@pytest.mark.django_db
def test_rs9_tc14_open_items_move_to_successor_with_dates_and_deadlines_unchanged(merger):
    petition, _ = submit_one(merger.old, kind=Kind.FEEDBACK, received_at=RECEIVED)
    complaint, _ = submit_one(
        merger.old, kind=Kind.COMPLAINT, body="Khiếu nại việc đo đạc đất rẫy", received_at=RECEIVED
    )
    handler = user(grants=[(merger.old, Role.HANDLER)])
    complaint = item_transition(
        item=complaint, name="accept", actor=handler, act_date=dt.date(2025, 6, 12)
    )
    before = {i.pk: _snapshot(i) for i in (petition, complaint)}
    assert petition.handling_org == merger.old and petition.deadlines

    result = succession_apply(succession=merger.succession, actor=merger.admin)

    assert {i.pk for i in result.moved} == {petition.pk, complaint.pk} and result.left == []
    for item in (petition, complaint):
        # received_at, status and every limit as they were
        assert _snapshot(item) == before[item.pk]
        assert item.handling_org == merger.new and item.handling_path == merger.new.path
        assert item.receiving_org == merger.old  # history: who received it stays true
        event = item.events.get(type=ItemEvent.Type.SUCCESSION)
        assert (
            event.public
            and event.data["from"] == merger.old.pk
            and event.data["to"] == merger.new.pk
        )
        assert "1677" in event.body
        assert AuditEvent.objects.filter(action="item.succession", object_id=item.pk).exists()
    merger.old.refresh_from_db()
    merger.succession.refresh_from_db()
    assert merger.old.valid_to == dt.date(2025, 6, 30) and not merger.old.accepts_items
    assert merger.succession.applied_at is not None
    assert AuditEvent.objects.filter(
        action="succession.applied", object_id=merger.succession.pk
    ).exists()


@pytest.mark.django_db
def test_rs9_closed_items_stay_with_the_old_unit(merger):
    closed, _ = submit_one(merger.old, received_at=RECEIVED)
    head = user(grants=[(merger.old, Role.UNIT_HEAD)])
    closed = item_transition(
        item=closed,
        name="not_accept",
        actor=head,
        reason="Không thuộc thẩm quyền",
        act_date=dt.date(2025, 6, 11),
    )
    elsewhere, _ = submit_one(merger.other_old, received_at=RECEIVED)

    result = succession_apply(succession=merger.succession, actor=merger.admin)

    assert result.moved == []
    closed.refresh_from_db()
    elsewhere.refresh_from_db()
    assert (
        closed.handling_org == merger.old
        and not closed.events.filter(type=ItemEvent.Type.SUCCESSION).exists()
    )
    # another predecessor's succession is its own act
    assert elsewhere.handling_org == merger.other_old


@pytest.mark.django_db
def test_rs9_applying_twice_is_refused_and_changes_nothing(merger):
    item, _ = submit_one(merger.old, received_at=RECEIVED)
    succession_apply(succession=merger.succession, actor=merger.admin)
    applied_at = Succession.objects.get(pk=merger.succession.pk).applied_at

    with pytest.raises(OrgsError) as exc:
        succession_apply(succession=merger.succession, actor=merger.admin)

    assert exc.value.code == OrgsError.SUCCESSION_APPLIED
    assert Succession.objects.get(pk=merger.succession.pk).applied_at == applied_at
    assert item.events.filter(type=ItemEvent.Type.SUCCESSION).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who",
    [
        "anonymous",
        "handler_of_old",
        "leader_of_old_only",
        "leader_of_sibling_tree",
        "receptionist_of_parent",
    ],
)
def test_rs9_forbidden_user_is_refused(merger, who):
    item, _ = submit_one(merger.old, received_at=RECEIVED)
    other_province = org("UBND tỉnh khác", level=Organisation.Level.PROVINCE)
    actor = {
        "anonymous": None,
        "handler_of_old": user(grants=[(merger.old, Role.HANDLER)]),
        # a leader of the old commune itself does not decide its own merger: the level above does
        "leader_of_old_only": user(grants=[(merger.old, Role.LEADER)]),
        "leader_of_sibling_tree": user(grants=[(other_province, Role.LEADER)]),
        "receptionist_of_parent": user(grants=[(merger.district, Role.RECEPTIONIST)]),
    }[who]

    with pytest.raises(PermissionDenied):
        succession_apply(succession=merger.succession, actor=actor)

    item.refresh_from_db()
    assert item.handling_org == merger.old
    assert Succession.objects.get(pk=merger.succession.pk).applied_at is None


@pytest.mark.django_db
def test_rs9_leader_of_the_parent_may_apply(merger):
    leader = user(grants=[(merger.district, Role.LEADER)])
    assert succession_apply(succession=merger.succession, actor=leader).succession.applied_at


@pytest.mark.django_db
def test_rs9_not_before_the_effective_date(merger):
    later = Succession.objects.create(
        kind=Succession.Kind.MERGE,
        predecessor=merger.other_old,
        successor=merger.new,
        effective_date=timezone.localdate() + dt.timedelta(days=3),
        legal_basis="(dự kiến)",
    )
    with pytest.raises(OrgsError) as exc:
        succession_apply(succession=later, actor=merger.admin)
    assert exc.value.code == OrgsError.SUCCESSION_NOT_EFFECTIVE


@pytest.mark.django_db
def test_tc14_an_item_about_the_successors_head_goes_one_level_up(merger):
    chair = person("Nguyễn Văn Chủ", org=merger.new, role="head", title="Chủ tịch UBND xã")
    about_chair, _ = submit_one(
        merger.old,
        kind=Kind.DENUNCIATION,
        body="Tố cáo ông Chủ",
        received_at=RECEIVED,
        concerned_person=chair,
    )
    plain, _ = submit_one(merger.old, received_at=RECEIVED)

    succession_apply(succession=merger.succession, actor=merger.admin)

    about_chair.refresh_from_db()
    plain.refresh_from_db()
    assert about_chair.handling_org == merger.province
    assert plain.handling_org == merger.new


@pytest.mark.django_db
def test_tc14_split_moves_only_what_belongs_to_the_successor(merger):
    from langnghe.orgs.models import AdminUnit

    unit = AdminUnit.objects.create(code="99", name="Xã Thử", level="commune", name_folded="xa thu")
    part = org("UBND xã Thử", parent=merger.province, valid_from=EFFECTIVE, admin_unit=unit)
    split = Succession.objects.create(
        kind=Succession.Kind.SPLIT,
        predecessor=merger.old,
        successor=part,
        effective_date=EFFECTIVE,
        legal_basis="(thử)",
    )
    here, _ = submit_one(merger.old, received_at=RECEIVED, admin_unit=unit)
    there, _ = submit_one(merger.old, received_at=RECEIVED)

    result = succession_apply(succession=split, actor=merger.admin)

    assert [i.pk for i in result.moved] == [here.pk] and [i.pk for i in result.left] == [there.pk]
    assert Item.objects.get(pk=there.pk).handling_org == merger.old
