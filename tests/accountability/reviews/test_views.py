"""Permission matrix and pages of /quan-ly/kiem-diem/ (bad input → 200 with message, never 500)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from langnghe.accountability.reviews import services
from langnghe.accountability.reviews.models import ReviewSuggestion
from langnghe.accountability.reviews.services import SelfAssessment
from langnghe.handling.rules import can
from langnghe.intake.models import Item

from ...factories import submit_one

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(world, monkeypatch):
    review = services.review_add(actor=world.leader, cycle=world.cycle, person=world.cadre)
    item, _ = submit_one(world.commune, body="Phó Chủ tịch Phan Thị Thảo chậm giải quyết hồ sơ đất")
    Item.objects.filter(pk=item.pk).update(concerned_person=world.cadre)
    today = dt.date.today()
    suggestion = services.suggestion_issue(
        actor=world.leader,
        cycle=world.cycle,
        person=world.cadre,
        content="Làm rõ việc chậm giải quyết hồ sơ.",
        evidence_from=today - dt.timedelta(days=365),
        evidence_to=today,
        item_ids=[item.pk],
    )
    return type("Story", (), dict(review=review, suggestion=suggestion, item=item))


ROLES = ["leader", "superior", "inspector", "outsider", "handler", "cadre_user"]
MATRIX = {
    # perm: roles allowed (on the cadre's review / suggestion)
    "reviews.view_cycle": {"leader", "superior", "inspector"},
    "reviews.view_review": {"leader", "superior", "inspector", "cadre_user"},
    "reviews.self_assess": {"leader", "superior", "cadre_user"},
    "reviews.appraise": {"leader", "superior"},
    "reviews.decide": {"leader", "superior"},
    "reviews.regrade": {"superior"},
    "reviews.manage_commitments": {"leader", "superior"},
}


@pytest.mark.parametrize("perm", sorted(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_review(world, story, perm, role):
    assert can(getattr(world, role), perm, story.review) == (role in MATRIX[perm])


@pytest.mark.parametrize(
    "perm,allowed",
    [
        ("reviews.view_suggestion", {"leader", "superior", "inspector", "cadre_user"}),
        ("reviews.view_evidence", {"leader", "superior", "inspector"}),
        ("reviews.issue_suggestion", {"leader", "superior"}),
        ("reviews.acknowledge_suggestion", {"leader", "superior", "cadre_user"}),
    ],
)
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_suggestion(world, story, perm, allowed, role):
    assert can(getattr(world, role), perm, story.suggestion) == (role in allowed)


def test_suggestion_for_the_organiser_itself_is_issued_by_its_parent(world):
    assert services.issuer_for(world.cycle, org=world.party) == world.tinh_uy
    assert services.issuer_for(world.cycle, org=world.cell) == world.party
    draft = ReviewSuggestion(cycle=world.cycle, issuer=world.tinh_uy, subject_org=world.party)
    assert not can(world.leader, "reviews.issue_suggestion", draft)
    assert can(world.superior, "reviews.issue_suggestion", draft)


def test_anonymous_is_sent_to_login(client, world, story):
    for url in (
        reverse("reviews_backoffice:index"),
        reverse("reviews_backoffice:cycle", args=[world.cycle.pk]),
        reverse("reviews_backoffice:review", args=[story.review.pk]),
        reverse("reviews_backoffice:suggestion", args=[story.suggestion.pk]),
        reverse("reviews_backoffice:suggestion_print", args=[story.suggestion.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/quan-ly/dang-nhap/" in response["Location"]


def test_pages_by_role(client, world, story):
    urls = {
        "cycle": reverse("reviews_backoffice:cycle", args=[world.cycle.pk]),
        "review": reverse("reviews_backoffice:review", args=[story.review.pk]),
        "suggestion": reverse("reviews_backoffice:suggestion", args=[story.suggestion.pk]),
    }
    expected = {
        "leader": {"cycle": 200, "review": 200, "suggestion": 200},
        "inspector": {"cycle": 200, "review": 200, "suggestion": 200},
        "cadre_user": {"cycle": 404, "review": 200, "suggestion": 200},
        "outsider": {"cycle": 404, "review": 404, "suggestion": 404},
        "handler": {"cycle": 404, "review": 404, "suggestion": 404},
    }
    for role, statuses in expected.items():
        client.force_login(getattr(world, role))
        for name, status in statuses.items():
            assert client.get(urls[name]).status_code == status, (role, name)
    client.force_login(world.handler)
    assert client.get(reverse("reviews_backoffice:index")).status_code == 403


def test_the_reviewed_sees_counts_not_items(client, world, story):
    client.force_login(world.cadre_user)
    html = client.get(
        reverse("reviews_backoffice:suggestion", args=[story.suggestion.pk])
    ).content.decode()
    assert "Làm rõ việc chậm giải quyết" in html
    assert story.item.code not in html and "1 ý kiến" in html
    client.force_login(world.leader)
    html = client.get(
        reverse("reviews_backoffice:suggestion", args=[story.suggestion.pk])
    ).content.decode()
    assert story.item.code in html
    printed = client.get(
        reverse("reviews_backoffice:suggestion_print", args=[story.suggestion.pk])
    ).content.decode()
    assert "GỢI Ý KIỂM ĐIỂM" in printed and "ĐẢNG CỘNG SẢN VIỆT NAM" in printed


def test_suggestion_form_prefilled_from_signals_link(client, world, story):
    client.force_login(world.leader)
    url = (
        reverse("reviews_backoffice:suggestion_new")
        + f"?person={world.cadre.pk}&from=2026-01-01&to=2026-12-31"
    )
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200 and story.item.code in html and "checked" in html
    # bad input: text kept, message shown
    response = client.post(
        url,
        {
            "person": world.cadre.pk,
            "cycle": world.cycle.pk,
            "evidence_from": "31/12/2026",
            "evidence_to": "01/01/2026",
            "content": "Nội dung giữ lại",
            "window_from": "2026-01-01",
            "window_to": "2026-12-31",
        },
    )
    assert response.status_code == 200 and "Nội dung giữ lại" in response.content.decode()
    client.force_login(world.outsider)
    assert client.get(url).status_code == 403


def test_self_assessment_by_the_reviewed_and_bad_input(client, world, story):
    client.force_login(world.cadre_user)
    url = reverse("reviews_backoffice:review_action", args=[story.review.pk, "self"])
    data = {
        "self-general": "31",
        "self-results": "60",
        "self-tasks_total": "5",
        "self-tasks_done": "5",
        "self-tasks_on_time": "5",
        "self-tasks_exceeded": "0",
        "self-comment": "Tự nhận xét của tôi",
    }
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 200 and "30 điểm" in html and "Tự nhận xét của tôi" in html
    data["self-general"] = "abc"
    assert client.post(url, data).status_code == 200
    data["self-general"] = "25"
    response = client.post(url, data)
    assert response.status_code == 302
    story.review.refresh_from_db()
    assert (
        story.review.status == "self_assessed" and story.review.self_assessed_by == world.cadre_user
    )
    # the reviewed may not appraise, decide or re-grade themselves
    for action in ("appraise", "decide", "regrade", "commitment"):
        assert (
            client.post(
                reverse("reviews_backoffice:review_action", args=[story.review.pk, action]), {}
            ).status_code
            == 403
        )


def test_decide_regrade_and_commitments_through_pages(client, world, story):
    services.review_self_assess(
        actor=world.leader,
        review=story.review,
        assessment=SelfAssessment(
            general="25",
            results="55",
            tasks_total=4,
            tasks_done=4,
            tasks_on_time=4,
            quality_ok=True,
        ),
    )
    client.force_login(world.leader)
    act = lambda a: reverse("reviews_backoffice:review_action", args=[story.review.pk, a])  # noqa: E731
    assert (
        client.post(
            act("appraise"), {"appraise-grade": "excellent", "appraise-note": ""}
        ).status_code
        == 200
    )
    assert client.post(act("appraise"), {"appraise-grade": "good"}).status_code == 302
    assert client.post(act("decide"), {"decide-grade": "good"}).status_code == 302
    assert (
        client.post(
            act("regrade"), {"regrade-grade": "completed", "regrade-reason": "x"}
        ).status_code
        == 403
    )
    response = client.post(
        act("commitment"),
        {
            "commitment-content": "Khắc phục",
            "commitment-responsible": "",
            "commitment-deadline": "99/99/2026",
        },
    )
    assert response.status_code == 200 and "Khắc phục" in response.content.decode()
    assert (
        client.post(
            act("commitment"),
            {
                "commitment-content": "Khắc phục",
                "commitment-responsible": "Đ/c Thảo",
                "commitment-deadline": "01/01/2026",
            },
        ).status_code
        == 302
    )
    html = client.get(reverse("reviews_backoffice:review", args=[story.review.pk])).content.decode()
    assert "Quá hạn" in html
    client.force_login(world.superior)
    response = client.post(act("regrade"), {"regrade-grade": "completed", "regrade-reason": ""})
    assert response.status_code == 200
    assert (
        client.post(
            act("regrade"), {"regrade-grade": "completed", "regrade-reason": "Phản ánh đúng"}
        ).status_code
        == 302
    )
    story.review.refresh_from_db()
    assert story.review.final_grade == "completed"


def test_cycle_pages_bad_input_and_plan(client, world):
    client.force_login(world.leader)
    response = client.post(
        reverse("reviews_backoffice:index"),
        {
            "organiser": world.party.pk,
            "cadence": "year",
            "title": "Đợt giữ chữ",
            "period_start": "31/12/2026",
            "period_end": "01/01/2026",
        },
    )
    assert response.status_code == 200 and "Đợt giữ chữ" in response.content.decode()
    add = reverse("reviews_backoffice:cycle_add", args=[world.cycle.pk])
    assert client.post(add, {}).status_code == 200
    assert (
        client.post(add, {"org": world.village.pk, "scheduled_on": "01/12/2026"}).status_code == 302
    )
    html = client.get(reverse("reviews_backoffice:cycle", args=[world.cycle.pk])).content.decode()
    assert "Chi bộ thôn 1" in html and "QĐ 124" in html
    client.force_login(world.inspector)
    assert client.post(add, {"org": world.cell.pk}).status_code == 403
