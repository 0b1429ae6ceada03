"""P99-3: no rule on suggestion boxes could be verified. Every number is a local setting, marked
unverified, that a deployment overrides in $LANGNGHE_DATA_DIR/policies/boxes.yaml."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from langnghe.boxes import policy, selectors, services
from langnghe.boxes.models import BoxOpening
from langnghe.boxes.services import BoxError, WitnessData
from langnghe.core.ruledata import get_rulebook

from .conftest import witnesses

pytestmark = pytest.mark.django_db


@pytest.fixture
def local_rules(settings, tmp_path):
    """Write the deployment's override of the rule book."""

    def write(text: str) -> None:
        (tmp_path / "policies").mkdir(exist_ok=True)
        (tmp_path / "policies" / "boxes.yaml").write_text(text, encoding="utf-8")
        settings.DATA_DIR = tmp_path
        get_rulebook.cache_clear()

    return write


def test_p99_3_shipped_rules_are_unverified_and_carry_no_invented_number():
    book = policy.rulebook()
    for key in ("opening_interval", "min_witnesses"):
        rule = book.rule(key)
        assert rule.cite == ("P99-3",)
        assert rule.verified == "U" and rule.configurable
        assert rule.value is None
    assert policy.front_witness_required() is False


def test_p99_3_without_a_local_value_one_witness_is_enough(box, people):
    opening = services.opening_record(
        actor=people.receptionist,
        box=box,
        opened_at=timezone.now(),
        letters_count=1,
        witnesses=[WitnessData("Trần Văn Bảy", "Trưởng thôn 1")],
    )
    assert opening.witnesses.count() == 1


def test_p99_3_min_witnesses_is_a_local_setting(box, people, local_rules):
    local_rules(
        "rules:\n  min_witnesses:\n    - {value: 3, unit: count, cite: P99-3, verified: U}\n"
    )
    assert policy.required_witnesses() == 3
    with pytest.raises(BoxError) as err:
        services.opening_record(
            actor=people.receptionist,
            box=box,
            opened_at=timezone.now(),
            letters_count=1,
            witnesses=witnesses(2),
        )
    assert err.value.code == BoxError.WITNESSES and "3" in str(err.value.message)
    assert not BoxOpening.objects.exists()
    services.opening_record(
        actor=people.receptionist,
        box=box,
        opened_at=timezone.now(),
        letters_count=1,
        witnesses=witnesses(3),
    )


def test_p99_3_front_witness_required_when_the_locality_says_so(box, people, local_rules):
    local_rules("settings:\n  front_witness_required: true\n")
    with pytest.raises(BoxError) as err:
        services.opening_record(
            actor=people.receptionist,
            box=box,
            opened_at=timezone.now(),
            letters_count=1,
            witnesses=witnesses(2, front=False),
        )
    assert "Mặt trận" in str(err.value.message)
    services.opening_record(
        actor=people.receptionist,
        box=box,
        opened_at=timezone.now(),
        letters_count=1,
        witnesses=witnesses(2, front=True),
    )


def test_p99_3_opening_interval_unset_flags_nothing(box):
    schedule = selectors.schedule_for(box, None)
    assert schedule.interval.configurable and schedule.next_due is None and not schedule.late


def test_p99_3_opening_interval_set_locally_flags_a_late_box(box, people, local_rules):
    local_rules(
        "rules:\n  opening_interval:\n    - {value: 30, unit: d, cite: P99-3, verified: U}\n"
    )
    long_ago = timezone.now() - dt.timedelta(days=45)
    schedule = selectors.schedule_for(box, long_ago)
    assert schedule.next_due == timezone.localdate(long_ago) + dt.timedelta(days=30)
    assert schedule.late
    recent = selectors.schedule_for(box, timezone.now() - dt.timedelta(days=3))
    assert not recent.late
