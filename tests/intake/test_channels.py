"""Which channels a citizen may use without a member of staff."""

from __future__ import annotations

import pytest

from langnghe.core.errors import PermissionDenied
from langnghe.intake.models import Channel

from ..factories import submit_one

pytestmark = pytest.mark.django_db


def test_a_citizen_sends_a_question_in_advance_of_a_dialogue_conference_dc6(tree):
    item, _ = submit_one(
        tree.commune,
        channel=Channel.DIALOGUE_CONFERENCE,
        channel_detail={"conference": 1, "advance_question": True},
    )
    assert item.channel == Channel.DIALOGUE_CONFERENCE


@pytest.mark.parametrize(
    "channel, detail",
    [
        (Channel.DIALOGUE_CONFERENCE, {"conference": 1}),
        (Channel.CITIZEN_RECEPTION, {"advance_question": True}),
        (Channel.SUGGESTION_BOX, {}),
        (Channel.LETTER, {}),
    ],
)
def test_offline_channels_need_a_member_of_staff(tree, channel, detail):
    with pytest.raises(PermissionDenied):
        submit_one(tree.commune, channel=channel, channel_detail=detail)
