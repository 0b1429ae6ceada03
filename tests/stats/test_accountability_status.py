"""The leader's dashboard shows where reviews, inspections and discipline stand (issue 5: "review
and inspection status, where those exist"): counts only, for leaders and inspectors, from the
records of their subtrees."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from langnghe.accountability.discipline.models import DisciplineDecision
from langnghe.accountability.inspections.models import Conclusion, Inspection, Remedy
from langnghe.accountability.reviews.models import Commitment, Review, ReviewCycle
from langnghe.orgs.models import Role
from langnghe.stats import selectors

from ..factories import person, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(tree):
    today = timezone.localdate()
    cycle = ReviewCycle.objects.create(
        organiser=tree.party,
        cadence="year",
        title="Kiểm điểm năm",
        period_start=today.replace(month=1, day=1),
        period_end=today.replace(month=12, day=31),
    )
    a, b, c = person("Cán bộ A"), person("Cán bộ B"), person("Cán bộ C")
    graded = Review.objects.create(cycle=cycle, subject_person=a, final_grade="good")
    Review.objects.create(cycle=cycle, subject_person=b, final_grade="completed")
    Review.objects.create(cycle=cycle, subject_person=c)
    Commitment.objects.create(
        review=graded, content="Sửa", deadline=today - dt.timedelta(days=3), responsible="A"
    )
    Commitment.objects.create(
        review=graded, content="Sửa nữa", deadline=today + dt.timedelta(days=3), responsible="A"
    )
    running = Inspection.objects.create(
        commission=tree.ubkt, title="Kiểm tra 1", subject_person=a, state="deployed"
    )
    done = Inspection.objects.create(
        commission=tree.ubkt, title="Kiểm tra 2", subject_person=b, state="follow_up"
    )
    Conclusion.objects.create(
        inspection=done, text="Kết luận", concluded_on=today, result="Có vi phạm"
    )
    Remedy.objects.create(
        inspection=done, content="Khắc phục", responsible="B", due_on=today - dt.timedelta(days=1)
    )
    DisciplineDecision.objects.create(
        subject_person=b,
        subject_type="full_member",
        form="reprimand",
        deciding_body=tree.party,
        decided_on=today,
        grounds="Vi phạm",
        status="decided",
    )
    return running


def test_leaders_see_the_counts_of_their_subtree(tree, records):
    leader = user(grants=[(tree.party, Role.LEADER)])
    status = selectors.accountability_status(actor=leader, period=selectors.parse_period(""))
    assert status is not None and not status.empty
    assert (status.cycles, status.reviews, status.reviews_decided) == (1, 3, 2)
    assert dict(status.grades) == {"Hoàn thành tốt nhiệm vụ": 1, "Hoàn thành nhiệm vụ": 1}
    assert (status.review_commitments_open, status.review_commitments_overdue) == (2, 1)
    assert sum(n for _label, n in status.inspections_by_phase) == 2
    assert status.inspections_concluded == 1 and status.remedies_overdue == 1
    assert dict(status.decisions) == {"Khiển trách": 1}


def test_other_subtrees_and_other_roles_see_nothing(tree, records):
    elsewhere = user(grants=[(tree.sibling, Role.LEADER)])
    status = selectors.accountability_status(actor=elsewhere, period=selectors.parse_period(""))
    assert status is not None and status.empty
    handler = user(grants=[(tree.party, Role.HANDLER)])
    assert selectors.accountability_status(actor=handler, period=selectors.parse_period("")) is None


def test_the_dashboard_page_shows_them(client, tree, records):
    leader = user(grants=[(tree.party, Role.LEADER)])
    client.force_login(leader)
    html = client.get("/quan-ly/thong-ke/").content.decode()
    assert 'data-section="accountability"' in html
    assert 'data-figure="reviews_decided">2/3<' in html
    assert 'data-figure="inspections_concluded">1<' in html
