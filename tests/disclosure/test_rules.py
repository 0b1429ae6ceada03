"""Each legal rule of the capability, by its RULES.md ID."""

from __future__ import annotations

import datetime as dt

import pytest

from langnghe.disclosure import policy, services
from langnghe.disclosure.errors import DisclosureError
from langnghe.disclosure.models import PublicationChannel

from .conftest import make_publication

D = dt.date
POSTING = PublicationChannel.Kind.POSTING
LOUDSPEAKER = PublicationChannel.Kind.LOUDSPEAKER


def test_dc2_rule_book_publishes_within_5_working_days_cited_and_verified():
    rule = policy.rule("publish_within")
    assert (rule.value, rule.unit, rule.cite, rule.verified) == (5, "wd", ("DC-2",), "V1")


def test_dc2_deadline_counts_working_days_from_the_decision():
    # Monday 3/3/2025 + 5 working days = Monday 10/3/2025 (the weekend does not count).
    assert services.publish_due(D(2025, 3, 3))[0] == D(2025, 3, 10)
    assert services.publish_due(D(2025, 3, 7))[0] == D(2025, 3, 14)


def test_dc2_deadline_skips_public_holidays():
    # 30/4 and 1/5 (and the 2/5/2025 day off) are not working days.
    assert services.publish_due(D(2025, 4, 25))[0] == D(2025, 5, 7)


@pytest.mark.django_db
def test_dc2_published_on_the_last_day_is_on_time(tree, people):
    p = make_publication(tree.commune, people.leader, decided_on=D(2025, 3, 3))
    p = services.publication_publish(
        publication=p, actor=people.leader, published_on=D(2025, 3, 10)
    )
    assert p.is_late is False
    assert p.publish_due == D(2025, 3, 10)
    assert p.publish_due_cite == "DC-2"


@pytest.mark.django_db
def test_dc2_published_a_day_after_the_deadline_is_flagged_late_with_its_reason(tree, people):
    p = make_publication(tree.commune, people.leader, decided_on=D(2025, 3, 3))
    p = services.publication_publish(
        publication=p, actor=people.leader, published_on=D(2025, 3, 11), late_reason="Chờ số liệu"
    )
    p.refresh_from_db()
    assert p.is_late is True
    assert p.late_reason == "Chờ số liệu"


@pytest.mark.django_db
def test_dc2_cannot_publish_before_the_decision_or_in_the_future(tree, people):
    from django.utils import timezone

    p = make_publication(tree.commune, people.leader, decided_on=D(2025, 3, 3))
    with pytest.raises(DisclosureError):
        services.publication_publish(publication=p, actor=people.leader, published_on=D(2025, 3, 2))
    with pytest.raises(DisclosureError):
        services.publication_publish(
            publication=p,
            actor=people.leader,
            published_on=timezone.localdate() + dt.timedelta(days=1),
        )
    p.refresh_from_db()
    assert p.status == "draft"


def test_dc3_rule_book_posting_30_days_loudspeaker_3_days():
    posting = policy.rule("posting_min_duration")
    loud = policy.rule("loudspeaker_min_duration")
    assert (posting.value, posting.unit, posting.cite) == (30, "d", ("DC-3",))
    assert (loud.value, loud.unit, loud.cite) == (3, "d", ("DC-3",))


def test_dc3_posting_of_30_continuous_days_is_accepted_29_refused():
    start = D(2025, 3, 1)
    services.check_channel_period(
        category_code="dc1_02_budget", kind=POSTING, start_on=start, end_on=D(2025, 3, 30)
    )
    with pytest.raises(DisclosureError) as exc:
        services.check_channel_period(
            category_code="dc1_02_budget", kind=POSTING, start_on=start, end_on=D(2025, 3, 29)
        )
    assert exc.value.code == DisclosureError.TOO_SHORT
    assert "29" in str(exc.value.message) and "30" in str(exc.value.message)


def test_dc3_loudspeaker_needs_3_continuous_days():
    start = D(2025, 3, 1)
    services.check_channel_period(
        category_code="dc1_07_social_support",
        kind=LOUDSPEAKER,
        start_on=start,
        end_on=D(2025, 3, 3),
    )
    with pytest.raises(DisclosureError):
        services.check_channel_period(
            category_code="dc1_07_social_support",
            kind=LOUDSPEAKER,
            start_on=start,
            end_on=D(2025, 3, 2),
        )


def test_dc3_a_posting_without_end_date_is_refused_unless_the_category_is_permanent():
    with pytest.raises(DisclosureError):
        services.check_channel_period(
            category_code="dc1_02_budget", kind=POSTING, start_on=D(2025, 3, 1), end_on=None
        )
    for code in ("dc1_04_democracy_rules", "dc1_13_admin_procedures"):
        services.check_channel_period(
            category_code=code, kind=POSTING, start_on=D(2025, 3, 1), end_on=None
        )


def test_dc3_items_4_and_13_of_article_11_are_the_permanent_postings():
    permanent = {c.item for c in policy.categories() if c.source == "DC-1" and c.permanent}
    assert permanent == {4, 13}


def test_dc3_loudspeaker_is_required_for_items_7_to_12():
    loud = {c.item for c in policy.categories() if c.loudspeaker}
    assert loud == {7, 8, 9, 10, 11, 12}


def test_dc1_the_14_categories_of_article_11_are_in_the_rule_book_verified():
    dc1 = [c for c in policy.categories() if c.source == "DC-1"]
    assert sorted(c.item for c in dc1) == list(range(1, 15))
    assert {c.verified for c in dc1} == {"V1"}


def test_p99_2_the_ten_kinds_of_qd99_are_categories_with_their_secondary_tag():
    p99 = [c for c in policy.categories() if c.source == "P99-2"]
    assert len(p99) == 10
    assert {c.verified for c in p99} == {"V2"}
    codes = {c.code for c in p99}
    assert {"p99_degradation_27", "p99_prohibitions_19", "p99_cadre_commitments"} <= codes


@pytest.mark.django_db
def test_dc3_quarterly_register_lists_the_quarter_with_forms_and_times(tree, people):
    from langnghe.disclosure.selectors import register_rows

    in_q1 = make_publication(tree.commune, people.leader, decided_on=D(2025, 3, 3), title="Quý I")
    services.publication_publish(publication=in_q1, actor=people.leader, published_on=D(2025, 3, 5))
    services.channel_record(
        publication=in_q1,
        actor=people.receptionist,
        kind=POSTING,
        place="Trụ sở UBND xã",
        start_on=D(2025, 3, 5),
        end_on=D(2025, 4, 3),
    )
    in_q2 = make_publication(tree.commune, people.leader, decided_on=D(2025, 3, 28), title="Quý II")
    services.publication_publish(publication=in_q2, actor=people.leader, published_on=D(2025, 4, 1))
    rows = register_rows(organisation=tree.commune, year=2025, quarter=1)
    assert [r.publication.title for r in rows] == ["Quý I"]
    kinds = [c.kind for c in rows[0].channels]
    assert kinds == ["portal", "posting"]
    assert rows[0].missing == []
    q2 = register_rows(organisation=tree.commune, year=2025, quarter=2)
    assert [r.publication.title for r in q2] == ["Quý II"]
    # DC-3: the budget must be posted; the register says it is missing.
    assert q2[0].missing
