"""Login, visibility of lists and pages (DESIGN.md §2: lists are filtered, not merely guarded)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from langnghe.intake.models import Kind
from langnghe.orgs.models import Role

from ..factories import person, submit_one, user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name,kwargs",
    [
        ("backoffice:inbox", {}),
        ("backoffice:item", {"item_id": 1}),
        ("backoffice:reception", {}),
        ("backoffice:receipt", {}),
        ("backoffice:rules", {}),
        ("backoffice:rule_create", {}),
        ("backoffice:orgs", {}),
        ("backoffice:attachment", {"item_id": 1, "attachment_id": 1}),
    ],
)
def test_anonymous_is_sent_to_login(client, name, kwargs):
    url = reverse(name, kwargs=kwargs)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/quan-ly/dang-nhap/?next=")


def test_anonymous_post_action_is_sent_to_login(client, tree):
    item, _ = submit_one(tree.commune)
    response = client.post(reverse("backoffice:item_action", args=[item.pk, "start"]))
    assert response.status_code == 302 and response["Location"].startswith("/quan-ly/dang-nhap/")
    item.refresh_from_db()
    assert item.status == "received"


def test_login_and_logout(client, staff):
    page = client.get("/quan-ly/dang-nhap/")
    assert page.status_code == 200
    assert "Đăng nhập" in page.content.decode()
    response = client.post("/quan-ly/dang-nhap/", {"username": "xuly", "password": "pw"})
    assert response.status_code == 302 and response["Location"] == "/quan-ly/"
    inbox = client.get("/quan-ly/")
    html = inbox.content.decode()
    assert inbox.status_code == 200
    # The header: the user's name, roles and navigation.
    assert "Trần Lan" in html and "Xử lý" in html
    # The menu holds the areas a handler works in (backoffice.nav), not the others.
    nav = html.split('class="bo-nav"', 1)[1].split("</nav>", 1)[0]
    for label in ("Hộp thư", "Hội nghị", "Đăng xuất"):
        assert label in nav
    for label in ("Tiếp nhận", "Quy tắc chuyển", "Tổ chức", "Nhập dữ liệu", "Kiểm tra"):
        assert label not in nav
    assert client.get("/quan-ly/dang-xuat/").status_code == 405  # logout is POST only
    response = client.post("/quan-ly/dang-xuat/")
    assert response.status_code == 302 and response["Location"] == "/quan-ly/dang-nhap/"
    assert client.get("/quan-ly/").status_code == 302


def test_wrong_password_gets_a_message(client, staff):
    response = client.post("/quan-ly/dang-nhap/", {"username": "xuly", "password": "sai"})
    assert response.status_code == 200
    assert "form-errors" in response.content.decode()


def test_inbox_shows_only_visible_items(login, tree, staff):
    mine, _ = submit_one(tree.commune, body="Đèn đường thôn 2 hỏng")
    theirs, _ = submit_one(tree.sibling, body="Cống xã bên tắc")

    html = login(staff.handler).get("/quan-ly/").content.decode()
    assert mine.code in html and theirs.code not in html

    html = login(staff.sibling_handler).get("/quan-ly/").content.decode()
    assert theirs.code in html and mine.code not in html

    html = login(staff.leader).get("/quan-ly/").content.decode()
    assert mine.code in html and theirs.code in html


def test_the_person_concerned_never_sees_the_item(login, tree, staff):
    cadre_account = user("canbo", grants=[(tree.province, Role.LEADER)])
    cadre = person("Lê Văn Cường", user_account=cadre_account, org=tree.commune)
    item, _ = submit_one(tree.commune, body="Cán bộ Cường nhận tiền", concerned_person=cadre)

    client = login(cadre_account)
    assert item.code not in client.get("/quan-ly/").content.decode()
    assert client.get(f"/quan-ly/y-kien/{item.pk}/").status_code == 404
    # Searching for its code (echoed back in the search box) still lists nothing.
    searched = client.get(f"/quan-ly/?q={item.code}").content.decode()
    assert f"/quan-ly/y-kien/{item.pk}/" not in searched

    # Another leader of the same province does see it.
    assert item.code in login(staff.leader).get("/quan-ly/").content.decode()


def test_item_page_is_404_alike_for_forbidden_and_missing(login, tree, staff):
    item, _ = submit_one(tree.commune)
    client = login(staff.sibling_handler)
    forbidden = client.get(f"/quan-ly/y-kien/{item.pk}/")
    missing = client.get("/quan-ly/y-kien/999999/")
    assert forbidden.status_code == missing.status_code == 404
    assert "Không có mục này, hoặc bạn không có quyền xem." in forbidden.content.decode()
    assert "Không có mục này, hoặc bạn không có quyền xem." in missing.content.decode()
    assert item.code not in forbidden.content.decode()
    assert login(staff.handler).get(f"/quan-ly/y-kien/{item.pk}/").status_code == 200


def test_a_sibling_cannot_act_on_an_item(login, tree, staff):
    item, _ = submit_one(tree.commune)
    response = login(staff.sibling_handler).post(f"/quan-ly/y-kien/{item.pk}/thao-tac/start/")
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.status == "received"


def test_denunciation_is_hidden_from_front_liaison(login, tree):
    liaison = user("mattran", grants=[(tree.commune, Role.FRONT_LIAISON)])
    feedback, _ = submit_one(tree.commune, kind=Kind.FEEDBACK)
    denunciation, _ = submit_one(
        tree.commune, kind=Kind.DENUNCIATION, identity={"name": "Phạm Thị Dung"}
    )
    html = login(liaison).get("/quan-ly/").content.decode()
    assert feedback.code in html and denunciation.code not in html


def test_a_user_without_grants_gets_an_empty_inbox_and_nothing_else(login, tree):
    """No role, no back office (backoffice.middleware): the inbox says so; every other page,
    even one that would only show an empty list, answers 403."""
    nobody = user("khongquyen")
    submit_one(tree.commune)
    client = login(nobody)
    html = client.get("/quan-ly/").content.decode()
    assert "Không có ý kiến nào phù hợp." in html and "Chưa được phân quyền" in html
    assert client.get("/quan-ly/tai-khoan/xac-thuc-hai-buoc/").status_code == 200
    assert client.get("/quan-ly/to-chuc/").status_code == 403
    assert client.get("/quan-ly/quy-tac/").status_code == 403
    assert client.get("/quan-ly/cong-khai/").status_code == 403
    assert client.get("/quan-ly/tiep-nhan/").status_code == 403
    assert client.get("/quan-ly/quy-tac/them/").status_code == 403


@pytest.mark.parametrize(
    "query",
    [
        "unit=abc&topic=99999&status=nope&kind=&overdue=maybe",
        "q=%00%00",
        "q=" + "a" * 500,
        "q=%22%27%3B--+OR+1%3D1",
        "page=999999",
        "page=-1",
    ],
)
def test_odd_inbox_parameters_never_fail(login, tree, staff, query):
    submit_one(tree.commune)
    response = login(staff.handler).get(f"/quan-ly/?{query}")
    if "%00" in query:
        # A NUL anywhere in an address is refused once for every page (core.middleware).
        assert response.status_code == 400
        assert "ký tự không hợp lệ" in response.content.decode()
    else:
        assert response.status_code == 200


def test_a_cadre_account_without_a_role_still_reaches_its_own_pages(login, tree):
    """An account linked to a cadre passes the no-role gate: its own review or discipline
    decision is decided by those views (each 404s what is not theirs)."""
    from ..factories import person

    account = user("canbo")
    person("Lê Văn Tám", user_account=account, org=tree.commune)
    # The view itself answers (404: not theirs); without the cadre link the gate answers 403.
    assert login(account).get("/quan-ly/ky-luat/999999/").status_code == 404
    assert login(user("khongquyen")).get("/quan-ly/ky-luat/999999/").status_code == 403


def _unit_options(html):
    import re

    select = html[html.index('name="unit"') : html.index("</select>", html.index('name="unit"'))]
    return set(re.findall(r'<option value="(\d+)"', select))


def test_the_cached_filter_form_is_each_persons_own_and_follows_their_grants(login, tree, staff):
    """The inbox's filter form is kept rendered for a minute (templates/backoffice/inbox.html):
    per person, and anew as soon as their grants change."""
    from langnghe.orgs.models import RoleGrant

    mine = _unit_options(login(staff.handler).get("/quan-ly/").content.decode())
    theirs = _unit_options(login(staff.sibling_handler).get("/quan-ly/").content.decode())
    assert str(tree.commune.pk) in mine and str(tree.sibling.pk) not in mine
    assert str(tree.sibling.pk) in theirs and str(tree.commune.pk) not in theirs
    # A grant given: the next page offers the new unit, within the minute.
    RoleGrant.objects.create(user=staff.handler, organisation=tree.sibling, role=Role.HANDLER)
    now = _unit_options(login(staff.handler).get("/quan-ly/").content.decode())
    assert str(tree.sibling.pk) in now
    # Taken back: gone again at once.
    RoleGrant.objects.filter(user=staff.handler, organisation=tree.sibling).delete()
    again = _unit_options(login(staff.handler).get("/quan-ly/").content.decode())
    assert str(tree.sibling.pk) not in again
    # The page number is not part of what the form depends on.
    assert _unit_options(login(staff.handler).get("/quan-ly/?page=2").content.decode()) == again


def _nav(html: str) -> str:
    return html.split('class="bo-nav"', 1)[1].split("</nav>", 1)[0]


def test_the_menu_is_kept_per_account_and_follows_a_new_grant_at_once(login, tree, staff):
    """backoffice.nav.cached_menu_for: the second page reads the menu from the cache (the
    own-records checks are not run again), and a role granted meanwhile shows at once, since the
    grants are part of the key."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from langnghe.orgs.models import RoleGrant

    person("Trần Lan", user_account=staff.handler, org=tree.commune)  # own records are looked up
    client = login(staff.handler)
    with CaptureQueriesContext(connection) as first:
        assert "Tiếp nhận" not in _nav(client.get("/quan-ly/").content.decode())
    assert any("reviews_review" in q["sql"] for q in first.captured_queries)
    with CaptureQueriesContext(connection) as second:
        client.get("/quan-ly/")
    assert not any("reviews_review" in q["sql"] for q in second.captured_queries)

    RoleGrant.objects.create(user=staff.handler, organisation=tree.commune, role=Role.RECEPTIONIST)
    assert "Tiếp nhận" in _nav(client.get("/quan-ly/").content.decode())
    RoleGrant.objects.filter(user=staff.handler, role=Role.RECEPTIONIST).delete()
    assert "Tiếp nhận" not in _nav(client.get("/quan-ly/").content.decode())
