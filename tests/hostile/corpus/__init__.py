"""The hostile-input corpus: texts and files built in code (nothing binary is stored in the
repository), each with a name so that a failing test says which input broke what.

Texts go into every free-text box of the public and staff interfaces; files go wherever a file
is accepted. Expected behaviour for all of them: no 5xx, a clear message when refused, the
user's text kept (escaped) in the form, nothing stored half-way, and accepted files re-encoded
without their metadata.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass

SCRIPT = "<script>alert('xss')</script>"

# name → text. The "long" texts are over every text limit (10 000 characters for a body).
TEXTS: dict[str, str] = {
    "script_tag": f"Đường thôn 3 {SCRIPT} bị sạt lở",
    "img_onerror": 'Ổ gà "><img src=x onerror=alert(1)> giữa đường',
    "svg_onload": "Cống <svg/onload=alert(1)> tắc",
    "javascript_url": "Xem javascript:alert(document.cookie) ở đây",
    "attribute_break": "' onmouseover='alert(1)' data-x='",
    "sql_drop": "Robert'); DROP TABLE intake_item;--",
    "sql_or": "1' OR '1'='1' -- ",
    "sql_union": "x' UNION SELECT password FROM auth_user --",
    "like_wildcards": "%%%_%_\\%_[a-z]^$*",
    "fts_operators": 'NEAR("a" "b") OR c* AND -d "unterminated',
    "format_string": "%(secret)s %s %d %n {0} {0.__class__.__mro__} ${jndi:ldap://x/a}",
    "template_syntax": "{{ settings.SECRET_KEY }} {% debug %} {# x #}",
    "crlf_header": "Xin chào\r\nSet-Cookie: sessionid=evil\r\n\r\n<html>",
    "null_byte": "Đường\x00 thôn 3",
    "control_chars": "".join(chr(c) for c in range(1, 32)) + "\x7f",
    "rtl_override": "Phản ánh \u202egnol oot\u202c về \u2067cán bộ\u2069",
    "zero_width_flood": "Đường" + "\u200b\u200c\u200d\ufeff" * 2000 + "sạt lở",
    "combining_flood": "a" + "\u0301\u0323\u0309" * 3000,
    "zalgo_vietnamese": "".join(ch + "\u0300\u0301\u0303\u0309\u0323" for ch in "Đảng ủy xã"),
    "emoji_astral": "🚧🛣️👩🏽‍🌾 đường hỏng 𝕿𝖊𝖘𝖙 \U0010fffd",
    "fullwidth_and_ligatures": "ＳＡ ＴＨẦＹ ﬁ ﬀ ㎞ Ⅻ",
    "decomposed_vietnamese": "Đa\u0309ng u\u0309y xa\u0303 Sa Thâ\u0300y",
    "bidi_numbers": "\u0661\u0662\u0663 ١٢٣ עברית العربية",
    "long_word": "a" * 120_000,
    "long_text_1mb": ("Đường thôn 3 bị sạt lở nặng. " * 37_000)[:1_048_576],
    "many_lines": "dòng\n" * 20_000,
    "only_whitespace": " \t\n\u00a0\u2003\u3000",
    "path_text": "../../../../etc/passwd\\..\\..\\windows\\win.ini",
    "json_in_text": '{"__proto__": {"admin": true}, "constructor": {"prototype": {}}}',
    "xml_entity": '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
    "html_entities": "&lt;script&gt; &#60;b&#62; &amp;amp; &#x0;",
    "url_encoded": "%3Cscript%3E%00%ff%fe%2e%2e%2f",
    "noncharacters": "\ufffe\uffff\U0001fffe",
    "private_use": "\ue000\uf8ff\U000f0000",
}

# Lone surrogates cannot travel as UTF-8; they reach the server as the UTF-8 encoding of the
# surrogate (ED A0 80), which is invalid UTF-8, or inside JSON as "\ud800".
LONE_SURROGATE = "Đường \ud800 thôn \udfff 3"

# Raw bytes that are not UTF-8, sent as a form value.
INVALID_UTF8: dict[str, bytes] = {
    "latin1": "Đường thôn".encode("utf-16-le") + b"\xff\xfe\xfd",
    "overlong_nul": b"abc\xc0\x80def",
    "encoded_surrogate": b"x\xed\xa0\x80y",
    "truncated_sequence": b"\xe1\xba",
    "cp1258": b"\xd0u\xf5\xf5\xccng tho\xe2n",  # "Đường thôn" in Windows-1258
}

# Text a search box must take (queries rather than bodies).
QUERIES = [
    "",
    "*",
    '"',
    "' OR 1=1 --",
    "%",
    "_",
    "\\",
    "a" * 5000,
    " ".join(["x"] * 2000),
    "\x00",
    "NEAR(a b)",
    "a:b c^d {e} (f)",
    SCRIPT,
    "đường 𝕿",
]


# --- files -------------------------------------------------------------------------------------


@dataclass
class HostileFile:
    name: str  # the file name the client claims
    data: bytes
    accepted: bool  # whether a correct sanitiser keeps it (re-encoded)
    note: str


def png(width: int = 8, height: int = 8) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 10, 10)).save(out, format="PNG")
    return out.getvalue()


def jpeg_with_exif() -> bytes:
    """A JPEG carrying GPS coordinates, a camera serial number, a comment and XMP."""
    from PIL import Image

    img = Image.new("RGB", (64, 48), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "HostileCam"  # Make
    exif[0x0110] = "Serial-ABC-123"  # Model
    exif[0x0131] = "SECRET-SOFTWARE"  # Software
    gps = {1: "N", 2: (14.0, 25.0, 0.0), 3: "E", 4: (107.0, 47.0, 0.0)}
    exif[0x8825] = gps
    out = io.BytesIO()
    img.save(
        out,
        format="JPEG",
        exif=exif.tobytes(),
        comment=b"GPS-COMMENT-SECRET",
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/">XMP-SECRET</x:xmpmeta>',
    )
    return out.getvalue()


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_bomb_header(width: int = 20_000, height: int = 20_000) -> bytes:
    """A PNG that declares 20000×20000 pixels (400 MP, 1.2 GB decoded) in a few hundred bytes:
    the IDAT holds the start of a stream of zero rows."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = zlib.compress(b"\x00" * (3 * width + 1) * 16, 9)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", rows)
        + _png_chunk(b"IEND", b"")
    )


def gif_js_polyglot() -> bytes:
    """Valid as a GIF header and as JavaScript (GIF89a=… is an assignment)."""
    return b"GIF89a/*\x01\x00\x01\x00\x00\x00\x00;*/=1;alert(document.domain);//" + b"\x00" * 32


def pdf_with_javascript() -> bytes:
    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('PDF-JS-SECRET');"),
        }
    )
    ref = writer._add_object(action)
    writer._root_object[NameObject("/OpenAction")] = ref
    # The same script on the page, as an annotation action.
    page = writer.pages[0]
    page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): ref})
    writer.add_metadata({"/Author": "AUTHOR-SECRET", "/Title": "TITLE-SECRET"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def zip_bomb_as_png() -> bytes:
    """A zip holding 50 MB of zeros (about 50 kB compressed), named .png."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        with zf.open("bomb.bin", "w", force_zip64=True) as member:
            block = b"\x00" * (1024 * 1024)
            for _ in range(50):
                member.write(block)
    return out.getvalue()


def svg_with_script() -> bytes:
    return (
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
        b"<script>alert(document.cookie)</script></svg>"
    )


def html_as_jpeg_name() -> bytes:
    return b"<!doctype html><html><body><script>alert(1)</script></body></html>"


def truncated_jpeg() -> bytes:
    return jpeg_with_exif()[:200]


def oversized_jpeg() -> bytes:
    """Over the 10 MB limit: a JPEG signature followed by padding."""
    return b"\xff\xd8\xff\xe0" + b"\x00" * (10 * 1024 * 1024 + 16)


def hostile_files() -> list[HostileFile]:
    return [
        HostileFile("gif_js.png", gif_js_polyglot(), False, "GIF/JavaScript polyglot"),
        HostileFile("dieu-tra.pdf", pdf_with_javascript(), True, "PDF with JavaScript"),
        HostileFile("anh.png", zip_bomb_as_png(), False, "zip bomb renamed .png"),
        HostileFile("anh2.png", svg_with_script(), False, "SVG with script named .png"),
        HostileFile("trang.jpg", html_as_jpeg_name(), False, "HTML named .jpg"),
        HostileFile("gps.jpg", jpeg_with_exif(), True, "JPEG with EXIF GPS, comment, XMP"),
        HostileFile("bomb.png", png_bomb_header(), False, "20000x20000 PNG header"),
        HostileFile("cut.jpg", truncated_jpeg(), False, "truncated JPEG"),
        HostileFile("big.jpg", oversized_jpeg(), False, "over the size limit"),
        HostileFile("empty.png", b"", False, "empty file"),
    ]


# File names that try to escape the storage directory or break a header.
FILE_NAMES = [
    "../../etc/passwd",
    "..\\..\\..\\windows\\system32\\drivers\\etc\\hosts",
    "C:\\boot.ini",
    "/etc/shadow",
    "anh\x00.php.png",
    "a" * 300 + ".png",
    "ảnh chụp <script>alert(1)</script>.png",
    'quote"; filename="evil.sh',
    "\u202egnp.exe",
    "con.png",
    ".htaccess",
    "",
]
