"""Property: the parsers of outside input return, or raise their own documented error — never
anything else. Readers of uploaded registers raise MappingError with a Vietnamese message; the
receipt normalisers and the search folding are total functions; the attachment sanitiser raises
IntakeError(BAD_ATTACHMENT) for whatever it cannot re-encode, whatever the magic number says."""

from __future__ import annotations

import io
import zipfile

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from langnghe.core.errors import IntakeError
from langnghe.imports.mapping import FIELDS, MappingError, mapping_parse
from langnghe.imports.readers import sheet_read
from langnghe.intake import files, receipts
from langnghe.intake.models import Kind
from langnghe.search.text import MAX_TOKEN_LENGTH, fold, index_text, tokens

from .conftest import HOSTILE
from .strategies import MAGIC, any_text, hostile_text

# --- receipts --------------------------------------------------------------------------------


@settings(HOSTILE, max_examples=200)
@given(hostile_text, hostile_text)
def test_receipt_normalisers_are_total(code, secret):
    normal_code = receipts.normalise_code(code)
    normal_secret = receipts.normalise_secret(secret)
    assert "\x00" not in normal_code + normal_secret
    assert all(ch.isalnum() or ch == "-" for ch in normal_code + normal_secret)
    # Idempotent: what the citizen types and what is stored meet at one form.
    assert receipts.normalise_code(normal_code) == normal_code
    assert receipts.normalise_secret(normal_secret) == normal_secret
    assert len(receipts.hash_secret(code, secret)) == 64
    assert receipts.secret_matches(code, secret, receipts.hash_secret(code, secret))


@settings(HOSTILE, max_examples=100)
@given(st.sampled_from(["", "-", " ", "."]), st.booleans())
def test_issued_receipt_survives_what_people_do_to_it(sep, lower):
    """Typed in lower case, with spaces or dots instead of dashes: still the same receipt."""
    code, secret = receipts.new_code(), receipts.new_secret()
    typed_code, typed_secret = code.replace("-", sep), secret.replace("-", sep)
    if lower:
        typed_code, typed_secret = typed_code.lower(), typed_secret.lower()
    assert receipts.secret_matches(typed_code, typed_secret, receipts.hash_secret(code, secret))


# --- search folding --------------------------------------------------------------------------


@settings(HOSTILE, max_examples=200)
@given(hostile_text)
def test_search_folding_is_total_and_safe(text):
    folded = fold(text)
    words = tokens(text)
    assert all(w and len(w) <= MAX_TOKEN_LENGTH for w in words)
    # Tokens carry no FTS operator, quote, wildcard or NUL into a query.
    assert all(not set(w) & set("\"'*%_()\\:^-\x00") for w in words)
    assert fold(folded) == folded
    assert index_text(text) == " ".join(tokens(text)) or len(index_text(text)) <= 200_000


# --- attachments ------------------------------------------------------------------------------


@settings(HOSTILE, max_examples=80)
@given(st.sampled_from(MAGIC), st.binary(max_size=4096))
def test_attachment_sanitiser_never_raises_anything_else(magic, tail):
    data = magic + tail
    try:
        clean = files.clean_upload(data)
    except IntakeError as exc:
        assert exc.code == IntakeError.BAD_ATTACHMENT
        assert str(exc.message).strip()
        return
    assert clean.content_type in {"image/jpeg", files.PDF_TYPE, files.AUDIO_CONTENT_TYPE}
    assert clean.data and clean.original_sha256


# --- imports: readers and the mapping file --------------------------------------------------


def _xlsx_like(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, body in entries.items():
            zf.writestr(name, body)
    return out.getvalue()


register_bytes = st.one_of(
    st.binary(max_size=4096),
    any_text.map(lambda t: t.encode("utf-8")),
    st.lists(st.lists(hostile_text, max_size=6), max_size=20).map(
        lambda rows: "\n".join(";".join(r) for r in rows).encode("utf-8", "surrogatepass")
    ),
    st.builds(
        _xlsx_like,
        st.dictionaries(
            st.sampled_from(
                [
                    "[Content_Types].xml",
                    "xl/workbook.xml",
                    "xl/worksheets/sheet1.xml",
                    "xl/_rels/workbook.xml.rels",
                    "_rels/.rels",
                ]
            ),
            st.one_of(st.binary(max_size=300), st.just(b"<?xml version='1.0'?><x/>")),
            max_size=5,
        ),
    ),
)


@settings(HOSTILE, max_examples=100)
@given(st.sampled_from(["a.csv", "b.xlsx", "c.CSV", "d.xls", "e", "../f.csv"]), register_bytes)
def test_register_reader_raises_only_mapping_error(name, data):
    try:
        sheet = sheet_read(name, data)
    except MappingError as exc:
        assert str(exc.message).strip()
        return
    assert all(isinstance(number, int) and isinstance(cells, list) for number, cells in sheet.rows)


yaml_scalar = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), hostile_text
)
yaml_value = st.recursive(
    yaml_scalar,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(FIELDS), any_text), children, max_size=4),
    ),
    max_leaves=12,
)
mapping_like = st.fixed_dictionaries(
    {},
    optional={
        "name": yaml_value,
        "channel": st.one_of(st.sampled_from(["letter", "in_person", "online"]), yaml_value),
        "columns": st.one_of(
            st.dictionaries(
                st.sampled_from(FIELDS), st.one_of(any_text, st.lists(yaml_value)), max_size=6
            ),
            yaml_value,
        ),
        "kinds": st.one_of(
            st.dictionaries(any_text, st.one_of(st.sampled_from(Kind.values), yaml_value)),
            yaml_value,
        ),
        "default_kind": st.one_of(st.sampled_from(Kind.values), yaml_value),
        "optional": st.one_of(st.lists(st.sampled_from(FIELDS)), yaml_value),
        "max_header_row": st.one_of(st.integers(-5, 100), yaml_value),
    },
)


@settings(HOSTILE, max_examples=300)
@given(
    st.one_of(
        yaml_value,
        mapping_like,
        # A valid mapping with some keys overwritten: reaches the checks after the first ones.
        mapping_like.map(
            lambda over: {
                "channel": "letter",
                "columns": {"received_at": "Ngày", "body": "Nội dung", "kind": "Loại"},
                "default_kind": "feedback",
                **over,
            }
        ),
    )
)
def test_mapping_parse_raises_only_mapping_error(data):
    try:
        mapping = mapping_parse(data, source="mapping.yaml")
    except MappingError as exc:
        assert str(exc.message).strip()
        return
    assert mapping.columns and mapping.max_header_row >= 1


@pytest.mark.parametrize(
    "text",
    [
        "max_header_row: abc\nchannel: letter\ncolumns: {received_at: A, body: B}\ndefault_kind: feedback",
        "kinds: [a, b]\ncolumns: {received_at: A, body: B}\ndefault_kind: feedback",
        "optional: 5\ncolumns: {received_at: A, body: B}\ndefault_kind: feedback",
        "optional: [{a: 1}]\ncolumns: {received_at: A, body: B}\ndefault_kind: feedback",
        "max_header_row: [1]\ncolumns: {received_at: A, body: B}\ndefault_kind: feedback",
        "max_header_row: .inf\ncolumns: {received_at: A, body: B}\ndefault_kind: feedback",
    ],
)
def test_mapping_file_with_wrong_types_is_a_mapping_error(text):
    """Found by the property above: these raised ValueError/TypeError/AttributeError (a 500 on
    the import page) before mapping_parse checked the types of max_header_row, kinds and
    optional."""
    with pytest.raises(MappingError):
        mapping_parse(yaml.safe_load(text), source="mapping.yaml")
