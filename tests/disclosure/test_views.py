"""The screens through HTTP: pages render, bad input comes back with a message and the text kept,
out-of-scope objects are 404, forbidden actions 403, nothing answers 500."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from langnghe.disclosure import services
from langnghe.disclosure.models import CadreCommitment, Publication, PublicationComment
from langnghe.intake.models import Item

from ..factories import person
from .conftest import make_publication

BO = "/quan-ly/cong-khai/"


def login(client, u):
    client.force_login(u)
    return client


# -- back office ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client, draft):
    for url in (BO, f"{BO}{draft.pk}/", f"{BO}them/", f"{BO}so-cong-khai/", f"{BO}cam-ket/"):
        r = client.get(url)
        assert r.status_code == 302 and "/quan-ly/dang-nhap/" in r["Location"]
    r = client.post(f"{BO}{draft.pk}/cong-khai/")
    assert r.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "draft"


@pytest.mark.django_db
def test_list_shows_the_late_badge_and_filters(client, tree, people):
    p = make_publication(tree.commune, people.leader, decided_on=dt.date(2025, 3, 3), title="Chậm")
    services.publication_publish(
        publication=p, actor=people.leader, published_on=dt.date(2025, 4, 1)
    )
    make_publication(tree.commune, people.leader, title="Dự thảo khác")
    login(client, people.receptionist)
    html = client.get(BO).content.decode()
    assert "Chậm" in html and "Công khai chậm" in html and "Dự thảo khác" in html
    html = client.get(BO + "?late=on").content.decode()
    assert "Dự thảo khác" not in html and "Chậm" in html
    assert client.get(BO + "?organisation=abc&status=zzz").status_code == 200


@pytest.mark.django_db
def test_create_with_bad_input_keeps_the_text_and_saves_nothing(client, tree, people):
    login(client, people.leader)
    r = client.post(
        f"{BO}them/",
        {
            "organisation": tree.commune.pk,
            "category": "dc1_02_budget",
            "title": "Dự toán ngân sách",
            "decided_on": "31/02/2025",
            "body": "Nội dung tôi đã gõ rất dài",
        },
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert "Ngày không hợp lệ" in html and "Nội dung tôi đã gõ rất dài" in html
    assert not Publication.objects.exists()


@pytest.mark.django_db
def test_create_then_publish_through_the_screens(client, tree, people):
    login(client, people.leader)
    today = timezone.localdate()
    r = client.post(
        f"{BO}them/",
        {
            "organisation": tree.commune.pk,
            "category": "dc1_02_budget",
            "title": "Dự toán ngân sách",
            "decided_on": today.isoformat(),
            "body": "Tổng thu 12 tỷ",
        },
    )
    p = Publication.objects.get()
    assert r.status_code == 302 and r["Location"] == f"{BO}{p.pk}/"
    assert client.get(r["Location"]).status_code == 200
    r = client.post(f"{BO}{p.pk}/cong-khai/", {"published_on": today.isoformat()})
    assert r.status_code == 302
    p.refresh_from_db()
    assert p.status == "published" and p.is_late is False
    client.get(r["Location"])  # the success message is read
    # Published twice (another tab): the publish form is gone, the refusal says why at the top.
    r = client.post(f"{BO}{p.pk}/cong-khai/", {"published_on": today.isoformat()})
    [refusal] = [m for m in r.context["messages"] if m.level_tag == "error"]
    assert r.status_code == 200 and str(refusal) in r.content.decode()


@pytest.mark.django_db
def test_receptionist_cannot_publish_403_and_other_commune_is_404(client, draft, people):
    login(client, people.receptionist)
    assert client.get(f"{BO}{draft.pk}/").status_code == 200
    assert client.post(f"{BO}{draft.pk}/cong-khai/", {}).status_code == 403
    assert client.get(f"{BO}{draft.pk}/sua/").status_code == 403
    assert client.get(f"{BO}them/").status_code == 403
    login(client, people.sibling_leader)
    assert client.get(f"{BO}{draft.pk}/").status_code == 404
    assert client.post(f"{BO}{draft.pk}/cong-khai/", {}).status_code == 404
    assert client.get(f"{BO}999999/").status_code == 404
    draft.refresh_from_db()
    assert draft.status == "draft"


@pytest.mark.django_db
def test_too_short_posting_comes_back_with_the_dc3_message(client, published, people):
    login(client, people.receptionist)
    start = published.published_on
    r = client.post(
        f"{BO}{published.pk}/hinh-thuc/",
        {
            "kind": "posting",
            "place": "Nhà văn hóa thôn 7",
            "start_on": start.isoformat(),
            "end_on": (start + dt.timedelta(days=9)).isoformat(),
        },
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert "DC-3" in html and "Nhà văn hóa thôn 7" in html
    assert published.channels.filter(kind="posting").count() == 0
    r = client.post(
        f"{BO}{published.pk}/hinh-thuc/",
        {
            "kind": "posting",
            "place": "Nhà văn hóa thôn 7",
            "start_on": start.isoformat(),
            "end_on": (start + dt.timedelta(days=29)).isoformat(),
        },
    )
    assert r.status_code == 302
    assert published.channels.filter(kind="posting").count() == 1


@pytest.mark.django_db
def test_withdraw_without_reason_is_refused_with_message(client, published, people):
    login(client, people.leader)
    r = client.post(f"{BO}{published.pk}/go/", {"reason": ""})
    assert r.status_code == 200
    published.refresh_from_db()
    assert published.status == "published"


@pytest.mark.django_db
def test_attachment_upload_of_garbage_is_a_message_not_a_500(client, draft, people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    login(client, people.leader)
    r = client.post(
        f"{BO}{draft.pk}/tep/",
        {"file": SimpleUploadedFile("x.pdf", b"not really a pdf", "application/pdf")},
    )
    assert r.status_code == 200
    assert "Chỉ nhận" in r.content.decode()
    assert draft.attachments.count() == 0


@pytest.mark.django_db
def test_notice_is_a4_with_qr_to_the_comment_form_and_the_right_heading(
    client, tree, people, published
):
    login(client, people.leader)
    html = client.get(f"{BO}{published.pk}/niem-yet/").content.decode()
    assert "THÔNG BÁO" in html
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in html and "ĐẢNG CỘNG SẢN VIỆT NAM" not in html
    assert "<svg" in html
    assert f"/cong-khai/{published.pk}/" in html
    assert "disclosure/print.css" in html
    party = make_publication(tree.party, people.party_leader, decided_on=timezone.localdate())
    services.publication_publish(publication=party, actor=people.party_leader)
    login(client, people.party_leader)
    html = client.get(f"{BO}{party.pk}/niem-yet/").content.decode()
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in html and "CỘNG HÒA XÃ HỘI" not in html


def test_print_css_sets_a4_with_the_official_margins():
    from pathlib import Path

    from django.conf import settings

    css = (Path(settings.BASE_DIR) / "static" / "disclosure" / "print.css").read_text()
    assert "size: A4" in css and "margin: 20mm 15mm 20mm 30mm" in css


@pytest.mark.django_db
def test_register_page_and_csv(client, tree, people):
    p = make_publication(
        tree.commune, people.leader, decided_on=dt.date(2025, 3, 3), title="Dự toán Q1"
    )
    services.publication_publish(
        publication=p, actor=people.leader, published_on=dt.date(2025, 3, 5)
    )
    login(client, people.receptionist)
    q = f"?organisation={tree.commune.pk}&year=2025&quarter=1"
    html = client.get(f"{BO}so-cong-khai/{q}").content.decode()
    assert "Dự toán Q1" in html and "DANH SÁCH CÁC NỘI DUNG ĐÃ CÔNG KHAI" in html
    r = client.get(f"{BO}so-cong-khai/{q}&format=csv")
    assert r["Content-Type"].startswith("text/csv")
    body = r.content.decode("utf-8-sig")
    assert "Dự toán Q1" in body and "05/03/2025" in body
    assert client.get(f"{BO}so-cong-khai/?organisation=x&year=abc&quarter=9").status_code == 200


@pytest.mark.django_db
def test_commitment_screens(client, tree, people):
    cadre = person("Hồ Văn Lộc", org=tree.commune)
    login(client, people.leader)
    assert client.get(f"{BO}cam-ket/them/").status_code == 200
    r = client.post(
        f"{BO}cam-ket/them/",
        {
            "person": cadre.pk,
            "organisation": tree.commune.pk,
            "year": "2025",
            "signed_on": "",
            "text": "Cam kết",
        },
    )
    assert r.status_code == 200 and "Cam kết" in r.content.decode()
    r = client.post(
        f"{BO}cam-ket/them/",
        {
            "person": cadre.pk,
            "organisation": tree.commune.pk,
            "year": "2025",
            "signed_on": "2025-01-10",
            "text": "Cam kết",
        },
    )
    c = CadreCommitment.objects.get()
    assert r.status_code == 302
    client.post(f"{BO}cam-ket/{c.pk}/cong-khai/", {"published": "1"})
    c.refresh_from_db()
    assert c.published
    login(client, people.sibling_leader)
    # Out of scope: not found. Without any organisation to manage: forbidden.
    assert client.get(f"{BO}cam-ket/{c.pk}/").status_code == 404
    assert client.post(f"{BO}cam-ket/{c.pk}/cong-khai/", {"published": "0"}).status_code == 404
    login(client, people.receptionist)
    assert client.get(f"{BO}cam-ket/{c.pk}/").status_code == 403
    c.refresh_from_db()
    assert c.published


# -- portal -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_portal_lists_only_published(client, tree, people, published):
    make_publication(tree.commune, people.leader, title="Dự thảo bí mật")
    html = client.get("/cong-khai/").content.decode()
    assert published.title in html and "Dự thảo bí mật" not in html
    assert client.get("/cong-khai/?noi-dung=zzz&don-vi=nope&trang=x").status_code == 200


@pytest.mark.django_db
def test_portal_draft_is_404_withdrawn_says_so(client, tree, people, published):
    draft = make_publication(tree.commune, people.leader, title="Dự thảo")
    assert client.get(f"/cong-khai/{draft.pk}/").status_code == 404
    assert client.get(f"/cong-khai/{draft.pk}/gop-y/").status_code == 404
    services.publication_withdraw(publication=published, actor=people.leader, reason="Sai số liệu")
    r = client.get(f"/cong-khai/{published.pk}/")
    assert r.status_code == 200 and "đã được gỡ" in r.content.decode()
    r = client.get(f"/cong-khai/{published.pk}/gop-y/")
    assert r.status_code == 302


@pytest.mark.django_db
def test_portal_comment_via_qr_creates_an_item_and_shows_the_receipt(client, published):
    r = client.get(f"/cong-khai/{published.pk}/gop-y/?qua=qr")
    assert r.status_code == 200 and 'value="qr"' in r.content.decode()
    r = client.post(
        f"/cong-khai/{published.pk}/gop-y/",
        {"kind": "suggestion", "body": "Đề nghị niêm yết ở chợ", "via": "qr"},
    )
    assert r.status_code == 302 and r["Location"] == "/gop-y/bien-nhan/"
    link = PublicationComment.objects.get()
    assert link.via == "qr" and link.item.channel_detail["via"] == "qr"
    html = client.get(r["Location"]).content.decode()
    assert link.item.code in html


@pytest.mark.django_db
def test_portal_comment_bad_input_keeps_text_no_item(client, published):
    r = client.post(
        f"/cong-khai/{published.pk}/gop-y/",
        {"kind": "denunciation", "body": "Nội dung giữ lại", "phone": "abc"},
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert "Nội dung giữ lại" in html and "Số điện thoại không hợp lệ" in html
    r = client.post(f"/cong-khai/{published.pk}/gop-y/", {"kind": "suggestion", "body": ""})
    assert r.status_code == 200 and "Vui lòng nhập nội dung" in r.content.decode()
    assert not Item.objects.exists()


@pytest.mark.django_db
def test_portal_comment_outside_the_window_redirects_with_message(client, published):
    published.comments_open_on = timezone.localdate() + dt.timedelta(days=3)
    published.comments_close_on = timezone.localdate() + dt.timedelta(days=10)
    published.save(update_fields=["comments_open_on", "comments_close_on"])
    r = client.post(
        f"/cong-khai/{published.pk}/gop-y/", {"kind": "suggestion", "body": "Sớm quá"}, follow=True
    )
    assert r.status_code == 200 and "bắt đầu từ ngày" in r.content.decode()
    assert not Item.objects.exists()


@pytest.mark.django_db
def test_portal_cadre_pages_respect_public_profile(client, tree, people):
    cadre = person("Mai Văn Nam", org=tree.commune)
    hidden = person("Kha Thị Oanh", org=tree.commune)
    hidden.public_profile = False
    hidden.save(update_fields=["public_profile"])
    for who in (cadre, hidden):
        c = services.commitment_save(
            actor=people.leader,
            person=who,
            organisation=tree.commune,
            year=2025,
            text=f"Cam kết của {who.full_name}",
            signed_on=dt.date(2025, 1, 5),
        )
        services.commitment_set_published(commitment=c, actor=people.leader, published=True)
    html = client.get("/cong-khai/can-bo/").content.decode()
    assert "Mai Văn Nam" in html and "Kha Thị Oanh" not in html
    html = client.get(f"/cong-khai/can-bo/{cadre.pk}/").content.decode()
    assert "Cam kết của Mai Văn Nam" in html
    assert client.get(f"/cong-khai/can-bo/{hidden.pk}/").status_code == 404
    assert client.get("/cong-khai/can-bo/999999/").status_code == 404


@pytest.mark.django_db
def test_portal_unpublished_commitment_is_not_shown(client, tree, people):
    cadre = person("Lò Văn Phúc", org=tree.commune)
    services.commitment_save(
        actor=people.leader,
        person=cadre,
        organisation=tree.commune,
        year=2025,
        text="Bản nháp chưa công khai",
        signed_on=dt.date(2025, 1, 5),
    )
    html = client.get(f"/cong-khai/can-bo/{cadre.pk}/").content.decode()
    assert "Bản nháp chưa công khai" not in html


@pytest.mark.django_db
def test_portal_register_is_public(client, tree, people):
    p = make_publication(
        tree.commune, people.leader, decided_on=dt.date(2025, 3, 3), title="Dự toán Q1"
    )
    services.publication_publish(
        publication=p, actor=people.leader, published_on=dt.date(2025, 3, 5)
    )
    html = client.get(
        f"/cong-khai/so-cong-khai/?don-vi={tree.commune.slug}&nam=2025&quy=1"
    ).content.decode()
    assert "Dự toán Q1" in html
    assert client.get("/cong-khai/so-cong-khai/?nam=abc&quy=7").status_code == 200


@pytest.mark.django_db
def test_portal_cadre_list_queries_do_not_grow_with_the_cadres(client, tree, people):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(name: str) -> None:
        who = person(name, org=tree.commune, title="Phó Chủ tịch")
        c = services.commitment_save(
            actor=people.leader,
            person=who,
            organisation=tree.commune,
            year=2025,
            text=f"Cam kết của {name}",
            signed_on=dt.date(2025, 1, 5),
        )
        services.commitment_set_published(commitment=c, actor=people.leader, published=True)

    add("Mai Văn Nam")
    client.get("/cong-khai/can-bo/")
    with CaptureQueriesContext(connection) as one:
        client.get("/cong-khai/can-bo/")
    for name in ("Kha Văn Ba", "Lò Thị Tư", "Y Năm"):
        add(name)
    with CaptureQueriesContext(connection) as four:
        html = client.get("/cong-khai/can-bo/").content.decode()
    assert "Y Năm" in html and html.count("Phó Chủ tịch") >= 4
    assert len(four) == len(one)
