"""Services of the suggestion boxes: the register, openings with witnesses, letters as items."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from langnghe.boxes import services
from langnghe.boxes.models import BoxLetter, BoxOpening, SuggestionBox
from langnghe.boxes.services import BoxError, WitnessData
from langnghe.core.errors import IntakeError, PermissionDenied
from langnghe.core.models import AuditEvent
from langnghe.intake.models import Attachment, Channel, Item, Kind
from langnghe.intake.services import Part, Submission
from langnghe.intake.vault import unseal

from .conftest import scan_png, witnesses

pytestmark = pytest.mark.django_db


def letter(units, *, parts=None, **kwargs) -> Submission:
    """What the form builds; the service fills channel, unit, date and channel detail."""
    return Submission(
        parts=parts or [Part(Kind.FEEDBACK, "Đường thôn 2 hư hỏng, đề nghị sửa.")],
        channel=Channel.ONLINE,  # overwritten by the service
        receiving_org=units.sibling,  # overwritten by the service
        **kwargs,
    )


# -- register ------------------------------------------------------------------------------------


def test_box_create_normalises_code_and_takes_the_units_commune(people, units):
    box = services.box_create(
        actor=people.head, organisation=units.commune, code=" st-02 ", place="Nhà văn hóa thôn 1"
    )
    assert box.code == "ST-02"
    assert box.admin_unit == units.sathay
    assert box.active and box.removed_on is None
    assert AuditEvent.objects.filter(action="box.created", object_id=box.pk).exists()


def test_box_create_generates_a_code_when_empty(people, units):
    box = services.box_create(actor=people.admin, organisation=units.commune, place="Chợ xã")
    assert box.code.startswith("HT-") and len(box.code) == 7


@pytest.mark.parametrize("code", ["S", "ST_01", "ÂU-01", "ABCDEFG", "ST-123456"])
def test_box_create_refuses_a_code_that_does_not_print_well(people, units, code):
    with pytest.raises(BoxError) as err:
        services.box_create(actor=people.head, organisation=units.commune, code=code, place="X")
    assert err.value.code == BoxError.INVALID_CODE
    assert not SuggestionBox.objects.exists()


def test_box_create_refuses_a_taken_code(box, people, units):
    with pytest.raises(BoxError) as err:
        services.box_create(actor=people.head, organisation=units.commune, code="st-01", place="X")
    assert err.value.code == BoxError.CODE_TAKEN


def test_box_create_needs_a_place_and_a_unit_taking_items(people, units):
    with pytest.raises(BoxError):
        services.box_create(actor=people.head, organisation=units.commune, place="   ")
    units.office.accepts_items = False
    units.office.save(update_fields=["accepts_items"])
    with pytest.raises(BoxError) as err:
        services.box_create(actor=people.head, organisation=units.office, place="Phòng một cửa")
    assert err.value.code == BoxError.NOT_ACCEPTING


def test_box_create_out_of_scope_is_denied(people, units):
    with pytest.raises(PermissionDenied):
        services.box_create(
            actor=people.sibling_receptionist, organisation=units.commune, place="X"
        )
    with pytest.raises(PermissionDenied):
        services.box_create(actor=people.front, organisation=units.commune, place="X")


def test_box_update_keeps_the_code(box, people, units):
    services.box_update(actor=people.head, box=box, place="Hội trường thôn 3", note="Dời chỗ")
    box.refresh_from_db()
    assert (box.code, box.place, box.note) == ("ST-01", "Hội trường thôn 3", "Dời chỗ")


def test_box_retire_then_no_new_opening(box, people):
    services.box_retire(
        actor=people.head, box=box, removed_on=timezone.localdate(), reason="Hòm hỏng khóa"
    )
    box.refresh_from_db()
    assert not box.active and box.removed_on == timezone.localdate()
    with pytest.raises(BoxError) as err:
        services.opening_record(
            actor=people.receptionist,
            box=box,
            opened_at=timezone.now(),
            letters_count=1,
            witnesses=witnesses(),
        )
    assert err.value.code == BoxError.RETIRED
    with pytest.raises(BoxError):  # twice
        services.box_retire(actor=people.head, box=box, removed_on=timezone.localdate(), reason="x")


def test_box_retire_waits_for_pending_openings(opening, people):
    with pytest.raises(BoxError):
        services.box_retire(
            actor=people.head, box=opening.box, removed_on=timezone.localdate(), reason="Hỏng"
        )
    assert SuggestionBox.objects.get(pk=opening.box_id).active


# -- openings ------------------------------------------------------------------------------------


def test_opening_records_witnesses_count_and_number(box, people):
    first = services.opening_record(
        actor=people.receptionist,
        box=box,
        opened_at=timezone.now() - dt.timedelta(days=1),
        letters_count=3,
        witnesses=witnesses(3),
        minutes_note="Hòm còn niêm phong nguyên vẹn.",
    )
    second = services.opening_record(
        actor=people.head,
        box=box,
        opened_at=timezone.now(),
        letters_count=1,
        witnesses=witnesses(1),
    )
    assert (first.number, second.number) == (1, 2)
    assert first.state == BoxOpening.State.RECORDED
    assert [w.full_name for w in first.witnesses.all()][0] == "Y Nhung"
    assert first.witnesses.filter(is_front=True).count() == 1
    assert AuditEvent.objects.filter(action="box.opened").count() == 2


def test_empty_box_opening_is_complete_at_once(box, people):
    opening = services.opening_record(
        actor=people.receptionist,
        box=box,
        opened_at=timezone.now(),
        letters_count=0,
        witnesses=witnesses(),
    )
    assert opening.state == BoxOpening.State.COMPLETE and opening.completed_at


@pytest.mark.parametrize(
    "rows",
    [
        [],
        [WitnessData("Y Nhung", "")],
        [WitnessData("", "Trưởng thôn")],
        [WitnessData("Y Nhung", "MTTQ"), WitnessData(" y  nhung ", "Trưởng thôn")],
    ],
)
def test_opening_refuses_bad_witnesses(box, people, rows):
    with pytest.raises(BoxError) as err:
        services.opening_record(
            actor=people.receptionist,
            box=box,
            opened_at=timezone.now(),
            letters_count=1,
            witnesses=rows,
        )
    assert err.value.code == BoxError.WITNESSES
    assert not BoxOpening.objects.exists()


def test_opening_refuses_future_time_negative_count_and_time_before_installation(box, people):
    cases = [
        dict(opened_at=timezone.now() + dt.timedelta(days=1), letters_count=1),
        dict(opened_at=timezone.now(), letters_count=-1),
        dict(opened_at=timezone.now(), letters_count=10_000),
        dict(
            opened_at=timezone.make_aware(dt.datetime(2025, 6, 1, 9, 0)),
            letters_count=1,
        ),
    ]
    for case in cases:
        with pytest.raises(BoxError):
            services.opening_record(
                actor=people.receptionist, box=box, witnesses=witnesses(), **case
            )
    assert not BoxOpening.objects.exists()


def test_opening_recount_needs_a_reason_and_cannot_drop_below_entered(opening, people, units):
    services.letter_enter(actor=people.receptionist, opening=opening, submission=letter(units))
    with pytest.raises(BoxError):
        services.opening_recount(
            actor=people.receptionist, opening=opening, letters_count=3, reason=""
        )
    with pytest.raises(BoxError):
        services.opening_recount(
            actor=people.receptionist, opening=opening, letters_count=0, reason="Đếm nhầm"
        )
    services.opening_recount(
        actor=people.receptionist, opening=opening, letters_count=3, reason="Hai thư dính nhau"
    )
    opening.refresh_from_db()
    assert opening.letters_count == 3
    assert "Hai thư dính nhau" in opening.minutes_note


# -- letters -------------------------------------------------------------------------------------


def test_letter_becomes_an_item_of_the_box_channel_received_on_the_opening(opening, people, units):
    result = services.letter_enter(
        actor=people.receptionist,
        opening=opening,
        submission=letter(units, uploads=[scan_png()]),
    )
    item = Item.objects.get(pk=result.item_id)
    assert item.channel == Channel.SUGGESTION_BOX
    assert item.receiving_org == units.commune
    assert item.received_at == opening.opened_at
    assert item.channel_detail["box"] == "ST-01"
    assert item.channel_detail["opening"] == opening.pk
    assert item.channel_detail["letter"] == 1
    assert item.anonymous and item.identity_id is None  # unsigned
    assert item.created_by == people.receptionist
    scan = Attachment.objects.get(item=item)
    assert scan.content_type == "image/jpeg"  # the spine re-encoded (sanitised) the scan
    opening.refresh_from_db()
    assert opening.state == BoxOpening.State.ENTERING
    assert result.sequence == 1 and not result.signed


def test_signed_letter_keeps_its_sender_sealed_in_the_vault(opening, people, units):
    result = services.letter_enter(
        actor=people.receptionist,
        opening=opening,
        submission=letter(units, identity={"name": "Nguyễn Thị Hoa", "address": "Thôn 2"}),
    )
    item = result.item
    assert result.signed and not item.anonymous
    assert unseal(item.identity.ciphertext)["name"] == "Nguyễn Thị Hoa"
    assert "Nguyễn Thị Hoa" not in item.body


def test_tcd10_mixed_letter_is_split_into_one_item_per_kind(opening, people, units):
    result = services.letter_enter(
        actor=people.receptionist,
        opening=opening,
        submission=letter(
            units,
            parts=[
                Part(Kind.RECOMMENDATION, "Đề nghị làm đèn đường thôn 1."),
                Part(Kind.DENUNCIATION, "Tố cáo cán bộ địa chính nhận tiền."),
            ],
        ),
    )
    family = [result.item, *result.item.split_items.all()]
    assert sorted(i.kind for i in family) == [Kind.DENUNCIATION, Kind.RECOMMENDATION]
    assert all(i.channel_detail["letter"] == 1 for i in family)
    assert BoxLetter.objects.count() == 1  # one letter, two items


def test_last_letter_completes_the_opening_and_no_more_fit(opening, people, units):
    for _n in range(2):
        services.letter_enter(actor=people.leader, opening=opening, submission=letter(units))
    opening.refresh_from_db()
    assert opening.state == BoxOpening.State.COMPLETE and opening.completed_at
    assert list(opening.letters.values_list("sequence", flat=True)) == [1, 2]
    with pytest.raises(BoxError) as err:
        services.letter_enter(actor=people.leader, opening=opening, submission=letter(units))
    assert err.value.code == BoxError.COMPLETE
    assert Item.objects.count() == 2


def test_bad_letter_saves_nothing(opening, people, units):
    with pytest.raises(IntakeError):
        services.letter_enter(
            actor=people.receptionist,
            opening=opening,
            submission=letter(units, uploads=[b"not an image at all"]),
        )
    with pytest.raises(IntakeError):
        services.letter_enter(
            actor=people.receptionist,
            opening=opening,
            submission=letter(units, parts=[Part(Kind.FEEDBACK, "   ")]),
        )
    opening.refresh_from_db()
    assert opening.state == BoxOpening.State.RECORDED
    assert not Item.objects.exists() and not BoxLetter.objects.exists()


def test_mismatch_needs_an_explanation_to_close(opening, people, units):
    services.letter_enter(actor=people.receptionist, opening=opening, submission=letter(units))
    with pytest.raises(BoxError) as err:
        services.opening_close(actor=people.receptionist, opening=opening, note="")
    assert err.value.code == BoxError.NOTE_REQUIRED
    services.opening_close(
        actor=people.receptionist, opening=opening, note="Một tờ giấy trắng, không có nội dung."
    )
    opening.refresh_from_db()
    assert opening.state == BoxOpening.State.COMPLETE
    assert opening.mismatch_note.startswith("Một tờ giấy trắng")


@pytest.mark.parametrize("who", ["head", "admin", "front", "handler", "sibling_receptionist"])
def test_letter_entry_denied_to_others(opening, people, units, who):
    with pytest.raises(PermissionDenied):
        services.letter_enter(actor=getattr(people, who), opening=opening, submission=letter(units))
    assert not Item.objects.exists()
