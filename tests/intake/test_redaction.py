from langnghe.intake.redaction import MASK, identity_values, redact, still_contains

IDENTITY = {"name": "Trần Thị Bích", "phone": "0905 111 222", "address": "thôn 3, xã Ya Ly"}


def test_redaction_ignores_case_and_diacritics_and_keeps_the_rest():
    values = identity_values(IDENTITY)
    text = "Tôi là TRAN THI BICH, ở thôn 3, xã Ya Ly; gọi 0905 111 222. Chị Thị Bích nói vậy."
    out = redact(text, values)
    assert "BICH" not in out and "0905" not in out and "Thị Bích" not in out
    assert out.startswith("Tôi là " + MASK) and "nói vậy." in out
    assert still_contains(text, values) and not still_contains(out, values)


def test_decomposed_input_is_matched():
    import unicodedata

    text = unicodedata.normalize("NFD", "Ông Trần Thị Bích")
    assert redact(text, identity_values(IDENTITY)) == "Ông " + MASK


def test_whole_words_only():
    assert redact("Bíchcông", ["Bích"]) == "Bíchcông"
    assert redact("", ["abc"]) == ""


def test_address_parts_are_not_masked_on_their_own():
    values = identity_values(IDENTITY)
    assert redact("Đường ở xã Ya Ly đã sửa", values) == "Đường ở xã Ya Ly đã sửa"


def test_a_given_name_alone_is_matched_with_its_diacritics_only():
    """ "Thị Hạnh" (a reporter's name without the family name) must not blank "thi hành" out of
    a published decision; the full name is still found however it is typed."""
    values = identity_values({"name": "Võ Thị Hạnh"})
    text = "Quyết định thi hành kỷ luật. Bà Thị Hạnh có đơn. VO THI HANH đã ký."
    out = redact(text, values)
    assert "thi hành kỷ luật" in out
    assert "Thị Hạnh" not in out and "VO THI HANH" not in out
    assert redact("bà THỊ HẠNH", values) == "bà " + MASK
