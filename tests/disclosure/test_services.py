from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from langnghe.core.errors import IntakeError, PermissionDenied
from langnghe.core.models import AuditEvent
from langnghe.disclosure import services
from langnghe.disclosure.errors import DisclosureError
from langnghe.disclosure.models import CadreCommitment, Publication, PublicationComment
from langnghe.intake.models import Channel, Kind

from ..factories import person
from .conftest import make_publication

D = dt.date


@pytest.mark.django_db
def test_create_edit_publish_withdraw_lifecycle_is_audited(tree, people):
    p = make_publication(tree.commune, people.leader)
    assert p.status == Publication.Status.DRAFT
    p = services.publication_update(
        publication=p,
        actor=people.unit_head,
        category="dc1_01_socioeconomic_plan",
        title="Kế hoạch phát triển kinh tế - xã hội",
        body="Nội dung mới",
        decided_on=D(2025, 3, 3),
    )
    assert p.category == "dc1_01_socioeconomic_plan"
    p = services.publication_publish(publication=p, actor=people.leader, published_on=D(2025, 3, 4))
    assert p.status == Publication.Status.PUBLISHED
    # The portal is recorded as a channel of its own (DC-2 b).
    assert list(p.channels.values_list("kind", flat=True)) == ["portal"]
    with pytest.raises(DisclosureError):
        services.publication_update(
            publication=p,
            actor=people.leader,
            category=p.category,
            title="x",
            body="y",
            decided_on=p.decided_on,
        )
    with pytest.raises(DisclosureError):
        services.publication_withdraw(publication=p, actor=people.leader, reason="x")
    p = services.publication_withdraw(publication=p, actor=people.leader, reason="Sai số liệu")
    assert p.status == Publication.Status.WITHDRAWN
    actions = list(
        AuditEvent.objects.filter(object_type="disclosure.publication", object_id=p.pk)
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "publication.created",
        "publication.updated",
        "publication.published",
        "publication.withdrawn",
    ]


@pytest.mark.django_db
def test_bad_input_saves_nothing(tree, people):
    with pytest.raises(DisclosureError):
        make_publication(tree.commune, people.leader, title="   ")
    with pytest.raises(DisclosureError):
        make_publication(tree.commune, people.leader, category="not-a-category")
    with pytest.raises(DisclosureError):
        make_publication(
            tree.commune, people.leader, decided_on=timezone.localdate() + dt.timedelta(days=1)
        )
    assert not Publication.objects.exists()


@pytest.mark.django_db
def test_receptionist_records_a_channel_but_not_a_too_short_one(published, people):
    c = services.channel_record(
        publication=published,
        actor=people.receptionist,
        kind="posting",
        place="Trụ sở UBND xã",
        start_on=published.published_on,
        end_on=published.published_on + dt.timedelta(days=29),
    )
    assert c.days == 30
    with pytest.raises(DisclosureError):
        services.channel_record(
            publication=published,
            actor=people.receptionist,
            kind="posting",
            place="Nhà văn hóa",
            start_on=published.published_on,
            end_on=published.published_on + dt.timedelta(days=10),
        )
    with pytest.raises(PermissionDenied):
        services.channel_record(
            publication=published,
            actor=people.handler,
            kind="media",
            start_on=published.published_on,
        )
    assert published.channels.count() == 2  # portal + the valid posting


@pytest.mark.django_db
def test_channels_only_for_a_published_publication(draft, people):
    with pytest.raises(DisclosureError):
        services.channel_record(
            publication=draft, actor=people.leader, kind="media", start_on=draft.decided_on
        )


@pytest.mark.django_db
def test_attachment_is_sanitised_and_a_bad_file_refused(draft, people):
    import io

    from PIL import Image

    buf = io.BytesIO()
    img = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x013B] = "Tác giả bí mật"  # Artist
    img.save(buf, "JPEG", exif=exif.tobytes())
    a = services.attachment_add(
        publication=draft, actor=people.leader, data=buf.getvalue(), name="Biểu dự toán"
    )
    assert a.kind == "image" and a.content_type == "image/jpeg"
    stored = a.file.read()
    assert "Tác giả bí mật".encode() not in stored
    with Image.open(io.BytesIO(stored)) as clean:
        assert 0x013B not in clean.getexif()
    with pytest.raises(DisclosureError):
        services.attachment_add(
            publication=draft, actor=people.leader, data=b"MZ\x90\x00 not a document", name="x.exe"
        )
    with pytest.raises(PermissionDenied):
        services.attachment_add(
            publication=draft, actor=people.receptionist, data=buf.getvalue(), name="x"
        )
    assert draft.attachments.count() == 1


# -- comments ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_comment_becomes_an_item_linked_to_the_publication(published):
    result = services.publication_comment_submit(
        publication=published, kind=Kind.SUGGESTION, body="Đề nghị in to hơn.", via="qr"
    )
    item = result.items[0]
    assert item.kind == Kind.SUGGESTION
    assert item.channel == Channel.ONLINE
    assert item.channel_detail == {"publication": published.pk, "via": "qr"}
    assert item.receiving_org == published.organisation
    assert item.anonymous is True
    link = PublicationComment.objects.get(item=item)
    assert (link.publication, link.via) == (published, "qr")
    assert result.secret


@pytest.mark.django_db
def test_a_comment_with_contact_keeps_it_sealed(published):
    result = services.publication_comment_submit(
        publication=published,
        kind=Kind.FEEDBACK,
        body="Số liệu thôn 3 chưa đúng.",
        name="Trần Văn Bình",
        phone="0905123456",
    )
    item = result.items[0]
    assert item.anonymous is False and item.identity is not None
    assert b"Tr\xe1\xba\xa7n" not in bytes(item.identity.ciphertext)


@pytest.mark.django_db
def test_a_comment_goes_to_the_nearest_ancestor_that_accepts_items(tree, people):
    tree.office.accepts_items = False
    tree.office.save(update_fields=["accepts_items"])
    p = make_publication(tree.office, people.leader, decided_on=timezone.localdate())
    services.publication_publish(publication=p, actor=people.leader)
    item = services.publication_comment_submit(
        publication=p, kind=Kind.SUGGESTION, body="Ý kiến"
    ).items[0]
    assert item.receiving_org == tree.commune


@pytest.mark.django_db
def test_a_comment_on_a_publication_about_a_cadre_concerns_that_cadre(tree, people):
    cadre = person("Lê Văn Cường", org=tree.commune)
    p = make_publication(
        tree.commune,
        people.leader,
        category="p99_asset_declarations",
        person=cadre,
        decided_on=timezone.localdate(),
    )
    services.publication_publish(publication=p, actor=people.leader)
    item = services.publication_comment_submit(
        publication=p, kind=Kind.FEEDBACK, body="Chưa kê khai đủ"
    ).items[0]
    assert item.concerned_person == cadre


@pytest.mark.django_db
def test_comment_window_outside_dates_is_refused_with_a_message(published):
    published.comments_close_on = timezone.localdate() - dt.timedelta(days=1)
    published.comments_open_on = timezone.localdate() - dt.timedelta(days=5)
    published.save(update_fields=["comments_open_on", "comments_close_on"])
    with pytest.raises(DisclosureError) as exc:
        services.publication_comment_submit(publication=published, kind=Kind.SUGGESTION, body="x")
    assert exc.value.code == DisclosureError.WINDOW_CLOSED
    assert "kết thúc" in str(exc.value.message)
    assert not PublicationComment.objects.exists()


@pytest.mark.django_db
def test_draft_and_withdrawn_publications_take_no_comments(draft, people):
    with pytest.raises(DisclosureError):
        services.publication_comment_submit(publication=draft, kind=Kind.SUGGESTION, body="x")


@pytest.mark.django_db
def test_comment_kinds_are_limited_and_empty_body_refused(published):
    with pytest.raises(DisclosureError):
        services.publication_comment_submit(publication=published, kind=Kind.DENUNCIATION, body="x")
    with pytest.raises(IntakeError):
        services.publication_comment_submit(publication=published, kind=Kind.SUGGESTION, body="  ")
    assert not PublicationComment.objects.exists()


@pytest.mark.django_db
def test_default_comment_window_follows_the_rule_book(tree, people):
    p = make_publication(tree.commune, people.leader, decided_on=D(2025, 3, 3))
    p = services.publication_publish(publication=p, actor=people.leader, published_on=D(2025, 3, 5))
    assert p.comments_open_on == D(2025, 3, 5)
    assert p.comments_close_on == D(2025, 4, 4)


# -- commitments ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_commitment_save_publish_and_one_per_year(tree, people):
    cadre = person("Nguyễn Thị Dung", org=tree.commune)
    c = services.commitment_save(
        actor=people.leader,
        person=cadre,
        organisation=tree.commune,
        year=2025,
        text="Tôi cam kết…",
        signed_on=D(2025, 1, 10),
    )
    assert not c.published
    c = services.commitment_set_published(commitment=c, actor=people.leader, published=True)
    assert c.published and c.published_at
    with pytest.raises(DisclosureError) as exc:
        services.commitment_save(
            actor=people.leader,
            person=cadre,
            organisation=tree.commune,
            year=2025,
            text="Lần hai",
            signed_on=D(2025, 1, 11),
        )
    assert exc.value.code == DisclosureError.DUPLICATE
    with pytest.raises(PermissionDenied):
        services.commitment_save(
            actor=people.receptionist,
            person=cadre,
            organisation=tree.commune,
            year=2026,
            text="x",
            signed_on=D(2025, 1, 11),
        )
    assert CadreCommitment.objects.count() == 1
