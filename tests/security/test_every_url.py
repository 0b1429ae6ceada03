"""Every URL, as every kind of visitor (docs/security.md, "No leak").

On the demo data, each staff role of the demo commune (Sa Thầy) walks the back office from its
home page, following every link it is shown (the same few of each URL shape), so the list of URLs
is whatever the site really offers, with real object ids. Every URL that answered 200 to its
walker is then tried:

- anonymously: never a 200 (the login page, 403, 404 or 405 instead);
- by a staff account with no role: never a 200 beyond the few pages every signed-in person has;
- by the same role in another commune: never a 200 on a URL that names one of Sa Thầy's objects;
- by the cadre the demo's story is about, given a handler's role in her own committee: never a
  200 on an item that concerns her (an item never reaches the person it concerns).

Each walker's URLs are also tried as each other Sa Thầy role, for the record (those expectations
are the per-app permission matrices). The figures are printed (`-s`) for docs/security.md.
"""

from __future__ import annotations

import html
import re
from collections import Counter, defaultdict
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db(transaction=False)

WALKERS = ["lanhdao", "kiemtra", "mattran", "xuly", "tiepnhan", "truongdonvi", "admin"]
# The same job in another commune (the demo makes "<commune>.<job>" accounts; the Front liaison
# account exists in Sa Thầy only, the Front chair has that role elsewhere).
COUNTERPART = {
    "lanhdao": "sabinh.lanhdao",
    "kiemtra": "sabinh.kiemtra",
    "mattran": "sabinh.ctmttq",
    "xuly": "sabinh.xuly",
    "tiepnhan": "sabinh.tiepnhan",
    "truongdonvi": "sabinh.truongdonvi",
}
PER_SHAPE = 2
MAX_PAGES = 400
SKIP = re.compile(r"/dang-xuat|/logout|/thoat/|\.(?:xlsx|docx|pdf|png|jpg|zip)(?:\?|$)")
# Pages any signed-in staff member has, whatever their roles: the inbox (which says they have no
# role) and their own two-factor settings (langnghe.backoffice.middleware).
OWN_PAGES = re.compile(r"^/quan-ly/(?:\?.*)?$|^/quan-ly/tai-khoan/xac-thuc-hai-buoc/")
ITEM_URL = re.compile(r"^/quan-ly/y-kien/(\d+)/")


def _shape(url: str) -> str:
    parts = urlsplit(url)
    keys = sorted({p.split("=")[0] for p in parts.query.split("&") if p})
    return re.sub(r"\d+", "N", parts.path) + "?" + "&".join(keys)


def _links(page: str) -> list[str]:
    found = []
    for raw in re.findall(r'href="([^"#]+)"', page):
        url = html.unescape(raw)
        if url.startswith("/quan-ly/") and not SKIP.search(url):
            found.append(url)
    return found


def _client(username: str | None) -> Client:
    client = Client()
    if username:
        client.force_login(get_user_model().objects.get(username=username))
    return client


def _walk(username: str) -> list[str]:
    client = _client(username)
    seen_shapes: Counter[str] = Counter()
    queue, seen, ok = ["/quan-ly/"], {"/quan-ly/"}, []
    while queue and len(ok) < MAX_PAGES:
        url = queue.pop(0)
        response = client.get(url)
        if response.status_code != 200:
            continue
        ok.append(url)
        if "text/html" not in response.get("Content-Type", ""):
            continue
        for link in _links(response.content.decode()):
            shape = _shape(link)
            if link in seen or seen_shapes[shape] >= PER_SHAPE:
                continue
            seen.add(link)
            seen_shapes[shape] += 1
            queue.append(link)
    return ok


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("demo", items=40, verbosity=0)
        from langnghe.accountability.story import story_cadre, story_org
        from langnghe.orgs.models import Role, RoleGrant

        cadre = story_cadre()
        account = get_user_model().objects.create_user("canbo.bi.phan.anh", password="x")
        cadre.user = account
        cadre.save(update_fields=["user"])
        RoleGrant.objects.create(user=account, organisation=story_org(), role=Role.HANDLER)
        get_user_model().objects.create_user("khongvaitro", password="x")
        walked = {name: _walk(name) for name in WALKERS}
        yield walked
        call_command("flush", interactive=False, verbosity=0)


def test_no_url_leaks_to_anyone_it_should_not(demo):
    from langnghe.intake.models import Item

    concerned = set(
        Item.objects.filter(concerned_person__user__username="canbo.bi.phan.anh").values_list(
            "pk", flat=True
        )
    )
    urls = sorted({url for urls in demo.values() for url in urls})
    assert len(urls) > 100, "the walk found too few pages to mean anything"
    assert concerned, "the story's cadre has items about her"
    leaks: list[str] = []
    tried: Counter[str] = Counter()
    statuses: dict[str, Counter[int]] = defaultdict(Counter)

    def probe(who: str | None, url: str) -> int:
        status = clients[who].get(url).status_code
        tried[who or "anonymous"] += 1
        statuses[who or "anonymous"][status] += 1
        return status

    clients = {
        who: _client(who)
        for who in [None, "khongvaitro", "canbo.bi.phan.anh", *COUNTERPART.values()]
    }
    for url in urls:
        if probe(None, url) == 200:
            leaks.append(f"anonymous: {url}")
        if probe("khongvaitro", url) == 200 and not OWN_PAGES.match(url):
            leaks.append(f"no role: {url}")
        match = ITEM_URL.match(url)
        if match and int(match.group(1)) in concerned:
            if probe("canbo.bi.phan.anh", url) == 200:
                leaks.append(f"the person concerned: {url}")
    # Every item page shape the walkers met, for every item about her.
    shapes = {ITEM_URL.sub("/quan-ly/y-kien/{}/", url.split("?")[0]) for url in urls}
    for template in sorted(t for t in shapes if "{}" in t):
        for item_id in sorted(concerned):
            url = template.format(item_id)
            if probe("canbo.bi.phan.anh", url) == 200:
                leaks.append(f"the person concerned: {url}")
    for walker, urls_of in demo.items():
        other = COUNTERPART.get(walker)
        if other is None:
            continue
        for url in urls_of:
            if re.search(r"/\d+/", url) and probe(other, url) == 200:
                leaks.append(f"{other} (another commune) on {walker}'s {url}")
    print(  # noqa: T201 - the figures of docs/security.md
        f"\n{len(urls)} URLs walked by {len(demo)} roles; tried "
        + ", ".join(f"{k} {v}" for k, v in sorted(tried.items()))
        + f"; {sum(tried.values())} requests; statuses "
        + "; ".join(f"{k}: {dict(v)}" for k, v in sorted(statuses.items()))
    )
    assert leaks == [], "\n".join(leaks)


def test_no_menu_link_leads_to_a_refusal(demo):
    """The main menu shows each role the areas it works in, and only those."""
    refused, shown = [], {}
    for name in [*WALKERS, "khongvaitro"]:
        client = _client(name)
        page = client.get("/quan-ly/").content.decode()
        nav = page.split('class="bo-nav"', 1)[1].split("</nav>", 1)[0]
        links = re.findall(r'href="(/quan-ly/[^"]*)"', nav)
        shown[name] = links
        for url in links:
            response = client.get(url)
            # A redirect to another page of the area (discipline sends those who only keep
            # KT-3 notices to that list) is fine; a refusal or the login page is not.
            moved = response.status_code == 302 and response["Location"].startswith("/quan-ly/")
            if response.status_code != 200 and not (
                moved and "dang-nhap" not in response["Location"]
            ):
                refused.append(f"{name}: {url} → {response.status_code}")
    assert refused == [], "\n".join(refused)
    assert shown["khongvaitro"] == ["/quan-ly/"]
    assert "/quan-ly/kiem-tra/" in shown["kiemtra"] and "/quan-ly/giam-sat/" in shown["mattran"]
    assert "/quan-ly/du-luan/" not in shown["xuly"]


def test_the_api_and_the_portal_leak_no_item_either(demo):
    """The items the walkers opened in the back office, asked for through the API (as each
    outsider) and through the public tracking page (without the receipt): nothing."""
    from langnghe.intake.models import Item

    ids = sorted(
        {
            int(m.group(1))
            for urls in demo.values()
            for url in urls
            if (m := ITEM_URL.match(url)) is not None
        }
    )
    assert len(ids) >= 3
    # And the first items of each of Sa Thầy's units, whether walked or not.
    from django.db.models import Q

    from langnghe.orgs.models import Organisation

    roots = Organisation.objects.filter(slug__in=["ubnd-xa-sathay", "dang-uy-xa-sathay"])
    here = Q(pk__in=[])
    for root in roots:
        here |= Q(handling_path__startswith=root.path)
    ids = sorted({*ids, *Item.objects.filter(here).values_list("pk", flat=True)[:30]})
    concerned = set(
        Item.objects.filter(concerned_person__user__username="canbo.bi.phan.anh").values_list(
            "pk", flat=True
        )
    )
    leaks, tried = [], 0
    outsiders = [None, "khongvaitro", *COUNTERPART.values()]
    for who in outsiders:
        client = _client(who)
        for item_id in ids:
            tried += 1
            if client.get(f"/api/v1/items/{item_id}/").status_code == 200:
                leaks.append(f"{who or 'anonymous'}: /api/v1/items/{item_id}/")
    cadre = _client("canbo.bi.phan.anh")
    for item_id in sorted(concerned):
        tried += 1
        if cadre.get(f"/api/v1/items/{item_id}/").status_code == 200:
            leaks.append(f"the person concerned: /api/v1/items/{item_id}/")
    public = Client()
    for code in Item.objects.filter(pk__in=ids).values_list("code", flat=True):
        tried += 1
        page = public.get(f"/tra-cuu/{code}/")
        if page.status_code == 200:
            leaks.append(f"anonymous without the receipt: /tra-cuu/{code}/")
    # The probe can fail: the commune's own leader does read these items through the API.
    insider = _client("lanhdao")
    assert any(insider.get(f"/api/v1/items/{i}/").status_code == 200 for i in ids)
    print(f"\nAPI and tracking page: {tried} requests for {len(ids)} items")  # noqa: T201
    assert leaks == [], "\n".join(leaks)
