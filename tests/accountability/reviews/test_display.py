"""What the review pages show: labels instead of internal codes, texts rendered in the reader's
language from stored codes, the snapshot's date and the link to today's signals, and who sees the
"Gợi ý kiểm điểm" action (the rule the opinion pages call)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from langnghe.accountability.reviews import policy, selectors, services
from langnghe.accountability.reviews.models import GradeRecord, Review
from langnghe.accountability.reviews.services import SelfAssessment
from langnghe.handling.models import Answer
from langnghe.intake.models import DegradationIndicator
from langnghe.orgs.models import Role

from ...factories import person, submit_one, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(world):
    """Four items about the cadre: found true, partly true, false, and one not verified; one on a
    manifestation of the ethics group."""
    ddls = DegradationIndicator.objects.create(code="DDLS-9", group="DDLS", number=9, text_vi="X")
    drafter = user()
    items = []
    for i, finding in enumerate(["true", "partly_true", "false", ""]):
        item, _ = submit_one(
            world.commune,
            body=f"Phản ánh số {i}",
            concerned_person=world.cadre,
            identity={"name": f"Người {i}", "phone": f"09123456{i:02d}"},
            indicator_ids=[ddls.pk] if i == 0 else [],
        )
        items.append(item)
        if finding:
            Answer.objects.create(
                item=item,
                body="Kết luận",
                finding=finding,
                drafted_by=drafter,
                approved_by=drafter,
                approved_at=timezone.now(),
            )
    today = timezone.localdate()
    review = services.review_add(actor=world.leader, cycle=world.cycle, person=world.cadre)
    suggestion = services.suggestion_issue(
        actor=world.leader,
        cycle=world.cycle,
        person=world.cadre,
        content="Làm rõ.",
        evidence_from=today - dt.timedelta(days=365),
        evidence_to=today,
        item_ids=[i.pk for i in items],
    )
    return type("Story", (), dict(review=review, suggestion=suggestion, items=items))


def test_signals_block_shows_labels_not_codes(client, world, story):
    client.force_login(world.leader)
    for url in (
        reverse("reviews_backoffice:suggestion", args=[story.suggestion.pk]),
        reverse("reviews_backoffice:suggestion_new") + f"?person={world.cadre.pk}",
    ):
        html = client.get(url).content.decode()
        assert "Đúng: 1; Đúng một phần: 1; Sai: 1; Chưa xác minh: 1" in html, url
        assert "Suy thoái về đạo đức, lối sống: 1" in html and "Không gắn biểu hiện: 3" in html
        for code in ("true:", "partly_true", "unverified", "DDLS:", "none:"):
            assert code not in html, (url, code)


def test_suggestion_page_dates_its_snapshot_and_links_to_todays_signals(client, world, story):
    s = story.suggestion
    client.force_login(world.leader)
    html = client.get(reverse("reviews_backoffice:suggestion", args=[s.pk])).content.decode()
    assert f"Số liệu tại thời điểm gợi ý ({s.issued_on:%d/%m/%Y})" in html
    link = (
        reverse("opinion_backoffice:person", args=[world.cadre.pk])
        + f"?from={s.evidence_from.isoformat()}&amp;to={s.evidence_to.isoformat()}"
    )
    assert link in html and "Xem dư luận hiện nay" in html
    # the same score format as the opinion page: integer when whole, else one decimal
    score = s.signal_snapshot["score"]
    assert f"<dd>{score:g}".replace(".", ",") in html
    # the reviewed sees counts only, and no link to the signals about them
    client.force_login(world.cadre_user)
    html = client.get(reverse("reviews_backoffice:suggestion", args=[s.pk])).content.decode()
    assert "Xem dư luận hiện nay" not in html


def test_index_thresholds_show_labels_with_units(client, world):
    client.force_login(world.leader)
    html = client.get(reverse("reviews_backoffice:index")).content.decode()
    assert "Hoàn thành xuất sắc nhiệm vụ: điểm tối thiểu" in html and "90 điểm" in html
    assert "30 %" in html and "30 điểm" in html
    for code in ("general_max", "excellent_min_score", "30 points", "30 percent"):
        assert code not in html, code


def test_index_for_someone_who_only_has_their_own_review(client, world):
    services.review_add(actor=world.leader, cycle=world.cycle, person=world.cadre)
    client.force_login(world.cadre_user)
    html = client.get(reverse("reviews_backoffice:index")).content.decode()
    assert "Của tôi" in html
    assert "Bạn không quản lý đợt kiểm điểm nào" in html
    assert "Chưa có đợt kiểm điểm nào" not in html


def test_kd8_order_explanation_is_stored_as_codes_and_rendered(world):
    review = services.review_add(actor=world.leader, cycle=world.cycle, person=world.cadre)
    assert review.order_explanation == "commune individual government after_own_collective"
    assert (
        review.order_text
        == "cấp xã · cá nhân · chính quyền, đoàn thể · sau tập thể do mình lãnh đạo"
    )
    # text stored by an earlier version is shown as it is
    review.order_explanation = "cấp xã · cá nhân"
    assert review.order_text == "cấp xã · cá nhân"


def test_kd4_reasons_are_stored_as_codes_and_rendered_in_the_readers_language(world):
    review = services.review_add(actor=world.leader, cycle=world.cycle, person=world.cadre)
    review = services.review_self_assess(
        actor=world.leader,
        review=review,
        assessment=SelfAssessment(
            general="25", results="58.5", tasks_total=10, tasks_done=10, tasks_on_time=10
        ),
    )
    stored = Review.objects.get(pk=review.pk).proposal_reasons
    assert stored[0] == {"code": "excellent_score", "t": "83.5", "m": "90"}
    text = " ".join(str(x) for x in stored)
    assert "Không đạt" not in text  # no Vietnamese sentence in the database
    record = GradeRecord.objects.get(review=review, stage=GradeRecord.Stage.SELF)
    assert record.reason == "" and record.reason_codes == stored
    assert review.proposal_reason_texts[0] == (
        "Không đạt Hoàn thành xuất sắc (KD-4): 83,5 điểm, cần từ 90."
    )
    with translation.override("en"):
        # rendered at display time with the active language's number format
        assert "83.5" in policy.reason_text(stored[0])


def test_snapshot_labels_go_through_gettext():
    from django.utils.functional import Promise

    assert all(isinstance(label, Promise) for _key, label in selectors.SNAPSHOT_LABELS)
    assert isinstance(policy.UNVERIFIED_LABEL, Promise)
    assert isinstance(policy.RULE_LABELS["general_max"], Promise)
    with translation.override("en"):
        assert "superseded" in policy.superseded_note("regrade")
    assert "đã được thay thế" in policy.superseded_note("regrade")


def test_show_number_integer_when_whole_else_one_decimal():
    assert policy.show_number(Decimal("90")) == "90"
    assert policy.show_number(Decimal("83.5")) == "83,5"
    assert policy.show_number(12.0) == "12"
    with translation.override("en"):
        assert policy.show_number(Decimal("83.5")) == "83.5"


def test_kd10_who_may_issue_a_suggestion_for_whom(world):
    """The rule behind the "Gợi ý kiểm điểm" buttons of the opinion pages."""
    assert selectors.can_issue_suggestion(world.leader, person=world.cadre)
    assert selectors.can_issue_suggestion(world.leader, org=world.cell)
    # the organiser's own collective: its parent committee suggests (KD-10)
    assert not selectors.can_issue_suggestion(world.leader, org=world.party)
    assert selectors.can_issue_suggestion(world.superior, org=world.party)
    for role in ("inspector", "outsider", "handler"):
        assert not selectors.can_issue_suggestion(getattr(world, role), person=world.cadre), role
    # never about oneself
    assert not selectors.can_issue_suggestion(world.cadre_user, person=world.cadre)
    # outside the cycle's scope
    stranger = person("Người ngoài", org=world.other_party)
    assert not selectors.can_issue_suggestion(world.leader, person=stranger)
    check = selectors.suggestion_checker(world.leader)
    assert check("person", world.cadre.pk) and not check("person", stranger.pk)
    assert not check("org", world.party.pk) and not check("person", 10**9)
    # a leader with grants but no open cycle
    lonely = user("lonely", grants=[(world.other_party, Role.LEADER)])
    assert not selectors.can_issue_suggestion(lonely, person=stranger)
    world.cycle.status = "closed"
    world.cycle.save()
    assert not selectors.can_issue_suggestion(world.leader, person=world.cadre)


def test_suggestion_form_is_forbidden_when_no_cycle_allows_it(client, world):
    client.force_login(world.inspector)
    url = reverse("reviews_backoffice:suggestion_new") + f"?person={world.cadre.pk}"
    response = client.get(url)
    assert response.status_code == 403
    assert "Bạn không có đợt kiểm điểm nào để gợi ý kiểm điểm" in response.content.decode()
    client.force_login(world.leader)
    assert client.get(url).status_code == 200
