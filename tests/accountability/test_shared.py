"""The pieces the accountability apps share: redaction before publication, declared family ties,
and the demo story's cadre."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError

from langnghe.accountability.redaction import reporter_redact
from langnghe.core.models import AuditEvent
from langnghe.intake.models import Kind
from langnghe.orgs.models import PersonTie, tied_person_ids

from ..factories import person, submit_one


@pytest.mark.django_db
def test_tc17_published_text_loses_every_reporter_identity(tree):
    item, _ = submit_one(
        tree.commune,
        kind=Kind.DENUNCIATION,
        body="Ông X nhận tiền",
        identity={"name": "Trần Thị  Bình", "phone": "0905123456", "address": "Thôn 3"},
    )
    text = (
        "Theo đơn của bà trần thị bình (ĐT 0905123456), ông X có nhận tiền. "
        "Bà Bình Minh không liên quan."
    )
    redacted, count = reporter_redact(text, [item])
    assert count == 2
    assert "bình (" not in redacted.lower() and "0905123456" not in redacted
    assert "Bình Minh" in redacted  # a different name is left alone
    assert AuditEvent.objects.filter(action="identity.redaction_scan").count() == 1


@pytest.mark.django_db
def test_tc17_anonymous_items_leave_the_text_as_it_is(tree):
    item, _ = submit_one(tree.commune, body="Ý kiến", anonymous=True)
    assert reporter_redact("Nội dung kết luận", [item]) == ("Nội dung kết luận", 0)


@pytest.mark.django_db
def test_tc15_family_ties_read_both_ways_and_never_with_oneself(tree):
    a, b, c = person("Nguyễn Văn A"), person("Lê Thị B"), person("Phạm Văn C")
    PersonTie.objects.create(person=a, relative=b, kind="spouse", declared_on=dt.date(2026, 1, 5))
    PersonTie.objects.create(person=c, relative=a, kind="sibling", declared_on=dt.date(2026, 1, 5))
    assert tied_person_ids(a.pk) == {b.pk, c.pk}
    assert tied_person_ids(b.pk) == {a.pk}
    with pytest.raises(IntegrityError):
        PersonTie.objects.create(person=a, relative=a, kind="spouse", declared_on=dt.date.today())
