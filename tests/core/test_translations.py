"""The English catalogue (locale/en/LC_MESSAGES/django.po and its compiled .mo) is complete and
the English pages carry no Vietnamese interface text.

The .po is read with a small parser of its own and the .mo with the standard library's
gettext.GNUTranslations, so the test needs neither polib nor GNU gettext.
"""

from __future__ import annotations

import ast
import gettext
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from langnghe.orgs.models import Organisation, Role

from ..factories import submit_one, user

LOCALE_DIR = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
PO_PATH = LOCALE_DIR / "django.po"
MO_PATH = LOCALE_DIR / "django.mo"

# Letters that occur in Vietnamese but not in English: any of them in an English page is a leak.
VIETNAMESE_LETTER = re.compile(
    "[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", re.IGNORECASE
)

# Common interface words that must not survive in English pages.
VIETNAMESE_UI_WORDS = [
    "Gửi",
    "Tra cứu",
    "Đăng nhập",
    "Đăng xuất",
    "Nội dung",
    "Trang chủ",
    "Tìm kiếm",
    "Mã tra cứu",
    "Mật mã",
    "Người gửi",
    "Loại",
    "Trạng thái",
    "Lĩnh vực",
    "Đơn vị",
    "Thời hạn",
    "bắt buộc",
    "ý kiến",
    "Ý kiến",
    "Hộp thư",
    "Tiếp nhận",
    "Xử lý",
    "Trả lời",
    "Góp ý",
    "Phản ánh",
    "Kiến nghị",
    "Khiếu nại",
    "Tố cáo",
]

# Vietnamese that is meant to stay in an English page: the product's name, the language switcher's
# own name for Vietnamese, and the example of an old Vietnamese address on the submit form.
ALLOWED_VIETNAMESE = ["Lắng Nghe", "Tiếng Việt", "xã Sa Sơn, huyện Sa Thầy, tỉnh Kon Tum"]


@pytest.fixture(autouse=True)
def _restore_language():
    """A request with the English cookie leaves English active in this thread; later tests expect
    the default language."""
    before = translation.get_language()
    yield
    if before:
        translation.activate(before)
    else:
        translation.deactivate()


# -- the .po file --------------------------------------------------------------------------------


@dataclass
class PoEntry:
    line: int
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # plain msgstr is index 0
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False


def _po_string(token: str) -> str:
    """A quoted PO string: C escapes, which Python's literal syntax reads the same way."""
    return ast.literal_eval(token)


def parse_po(text: str) -> list[PoEntry]:
    entries: list[PoEntry] = []
    entry: PoEntry | None = None
    key: tuple[str, int] | None = None

    def start(lineno: int) -> PoEntry:
        nonlocal entry
        if entry is None:
            entry = PoEntry(line=lineno)
            entries.append(entry)
        return entry

    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            entry, key = None, None
            continue
        if line.startswith("#~"):
            start(lineno).obsolete = True
            continue
        if line.startswith("#,"):
            start(lineno).flags.update(f.strip() for f in line[2:].split(",") if f.strip())
            continue
        if line.startswith("#"):
            continue
        if line.startswith('"'):
            assert entry is not None and key is not None, f"django.po:{lineno}: stray string"
            name, index = key
            if name == "msgstr":
                entry.msgstr[index] += _po_string(line)
            else:
                setattr(entry, name, (getattr(entry, name) or "") + _po_string(line))
            continue
        m = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(\".*\")$", line)
        assert m, f"django.po:{lineno}: cannot read {raw!r}"
        current = start(lineno)
        name, index, value = m.group(1), int(m.group(2) or 0), _po_string(m.group(3))
        if name == "msgstr":
            current.msgstr[index] = value
        else:
            setattr(current, name, value)
        key = (name, index)
    return entries


@pytest.fixture(scope="module")
def po_entries() -> list[PoEntry]:
    entries = parse_po(PO_PATH.read_text(encoding="utf-8"))
    return [e for e in entries if e.msgid and not e.obsolete]  # the header has an empty msgid


@pytest.fixture(scope="module")
def english() -> gettext.GNUTranslations:
    with MO_PATH.open("rb") as fh:
        return gettext.GNUTranslations(fh)


def _describe(e: PoEntry) -> str:
    ctx = f"[{e.msgctxt}] " if e.msgctxt else ""
    return f"django.po:{e.line}: {ctx}{e.msgid[:70]!r}"


def test_catalogue_is_one_project_catalogue():
    """The app-level portal catalogue was merged into locale/; no app keeps its own."""
    assert PO_PATH.is_file() and MO_PATH.is_file()
    stray = sorted(
        str(p.relative_to(settings.BASE_DIR))
        for p in (Path(settings.BASE_DIR) / "langnghe").rglob("*.po")
    )
    assert stray == []


def test_every_entry_is_translated_and_none_is_fuzzy(po_entries):
    assert len(po_entries) > 500  # sanity: the parser read the real catalogue
    fuzzy = [_describe(e) for e in po_entries if "fuzzy" in e.flags]
    expected_forms = {0, 1} if any(e.msgid_plural for e in po_entries) else {0}
    empty = [
        _describe(e)
        for e in po_entries
        if not e.msgstr
        or any(not s.strip() for s in e.msgstr.values())
        or (e.msgid_plural is not None and set(e.msgstr) != expected_forms)
    ]
    assert fuzzy == [], "fuzzy entries:\n" + "\n".join(fuzzy)
    assert empty == [], "untranslated entries:\n" + "\n".join(empty)


PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{\{\s*\w+\s*\}\}|%[sd]")


def test_placeholders_survive_translation(po_entries):
    wrong = []
    for e in po_entries:
        wanted = sorted(PLACEHOLDER.findall(e.msgid_plural or e.msgid))
        for s in e.msgstr.values():
            if sorted(PLACEHOLDER.findall(s)) != wanted:
                wrong.append(f"{_describe(e)} -> {s!r}")
    assert wrong == [], "\n".join(wrong)


def test_compiled_catalogue_matches_the_po(po_entries, english):
    """The committed .mo is compiled from the current .po (a fresh clone needs no gettext)."""
    stale = []
    for e in po_entries:
        key = f"{e.msgctxt}\x04{e.msgid}" if e.msgctxt else e.msgid
        if e.msgid_plural is None:
            got = english._catalog.get(key)
            if got != e.msgstr[0]:
                stale.append(_describe(e))
        else:
            for n, s in e.msgstr.items():
                if english._catalog.get((key, n)) != s:
                    stale.append(_describe(e))
    assert stale == [], "run compilemessages; stale in django.mo:\n" + "\n".join(stale[:20])


@pytest.mark.parametrize(
    "msgid, english_text",
    [
        ("Gửi ý kiến", "Send feedback"),
        ("Tra cứu", "Track"),
        ("Mã tra cứu", "Tracking code"),
        ("Mật mã", "Secret"),
        ("Đăng nhập", "Log in"),
        ("Đăng xuất", "Log out"),
        ("Hộp thư", "Inbox"),
        ("Góp ý", "Suggestion"),
        ("Phản ánh", "Feedback"),
        ("Kiến nghị", "Recommendation"),
        ("Khiếu nại", "Complaint"),
        ("Tố cáo", "Denunciation"),
        ("Tiếp công dân", "Citizen reception"),
        ("Ủy ban nhân dân", "People's committee"),
        ("Mặt trận Tổ quốc", "Fatherland Front"),
        ("Khiếu nại lần hai", "Second-instance complaint"),
        ("Ý kiến %(code)s", "Item %(code)s"),
    ],
)
def test_key_strings_translate(english, msgid, english_text):
    assert english.gettext(msgid) == english_text


def test_plural_and_context_entries_translate(english):
    assert english.ngettext("%(n)s ý kiến", "%(n)s ý kiến", 1) == "%(n)s item"
    assert english.ngettext("%(n)s ý kiến", "%(n)s ý kiến", 3) == "%(n)s items"
    assert english.pgettext("role", "Xử lý") == "Handler"
    assert english.pgettext("menu", "Công khai") == "Disclosures"
    assert english.pgettext("menu", "Tiếp nhận") == "Reception"


# -- English pages -------------------------------------------------------------------------------


class _VisibleText(HTMLParser):
    """Text a reader sees or hears: text nodes outside script/style, and the attributes that name
    or label things for assistive technology."""

    ATTRIBUTES = {"alt", "title", "aria-label", "placeholder", "data-label"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "template"):
            self._hidden += 1
        self.parts.extend(v for k, v in attrs if k in self.ATTRIBUTES and v)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template"):
            self._hidden = max(self._hidden - 1, 0)

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str, proper_names: Sequence[str] = ()) -> str:
    parser = _VisibleText()
    parser.feed(html)
    # NFC: Django names Vietnamese "Tiếng Việt" with combining marks; compare composed letters.
    text = unicodedata.normalize("NFC", "\n".join(parser.parts))
    # Longest first, so a name that contains another is removed whole.
    for name in sorted({*ALLOWED_VIETNAMESE, *proper_names}, key=len, reverse=True):
        text = text.replace(unicodedata.normalize("NFC", name), "")
    return text


def assert_english(response: Any, proper_names: Sequence[str] = ()) -> None:
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    assert '<html lang="en"' in html
    text = visible_text(html, proper_names)
    words = [w for w in VIETNAMESE_UI_WORDS if w in text]
    assert words == [], f"Vietnamese interface words on an English page: {words}"
    leftovers = [line for line in text.splitlines() if VIETNAMESE_LETTER.search(line)]
    assert leftovers == [], "Vietnamese text on an English page:\n" + "\n".join(leftovers)


def _english_client() -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _org_names() -> list[str]:
    names = []
    for o in Organisation.objects.all():
        names += [o.name, o.short_name]
    return [n for n in names if n]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/gop-y/", "/tra-cuu/", "/quan-ly/dang-nhap/"])
def test_public_and_login_pages_are_english(path):
    assert_english(_english_client().get(path))


@pytest.mark.django_db
def test_back_office_inbox_and_item_are_english(tree):
    handler = user(grants=[(tree.commune, Role.HANDLER)])
    item, _secret = submit_one(tree.commune, title="Landslide", body="The road in hamlet 3 slid.")
    client = _english_client()

    response = client.post("/quan-ly/dang-nhap/", {"username": handler.username, "password": "pw"})
    assert response.status_code == 302, "the English login form did not log in"

    inbox = client.get("/quan-ly/")
    assert "Inbox" in inbox.content.decode() and item.code in inbox.content.decode()
    assert_english(inbox, _org_names())
    assert_english(client.get(f"/quan-ly/y-kien/{item.pk}/"), _org_names())
