"""Limits on the submission form and the offline challenge (docs/security.md, "Abuse"): a few
submissions an hour go straight through, then a sum drawn on this server must be solved, then the
form refuses for the hour; the same text again is challenged at once. Nothing is ever half-saved,
the citizen's text is kept, and no address is stored."""

from __future__ import annotations

import re

import pytest
from captcha.models import CaptchaStore
from django.core.cache import cache

from langnghe.intake.models import Item

from .test_submit import SUBMIT, payload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.LANGNGHE = {
        **settings.LANGNGHE,
        "SUBMIT_LIMITS": True,
        "SUBMIT_FREE_PER_HOUR": 2,
        "SUBMIT_MAX_PER_HOUR": 4,
    }


def _post(client, n, **extra):
    return client.post(SUBMIT, payload(body=f"Đèn đường thôn {n} bị hỏng đã lâu.", **extra))


def _answer(response) -> dict[str, str]:
    """The challenge on the page, answered as a person reading the image would."""
    html = response.content.decode()
    key = re.search(r'name="challenge_0" value="([0-9a-f]+)"', html).group(1)
    return {"challenge_0": key, "challenge_1": CaptchaStore.objects.get(hashkey=key).response}


def test_a_few_submissions_pass_then_a_challenge_is_asked_with_the_text_kept(client, site):
    assert _post(client, 1).status_code == 302
    assert _post(client, 2).status_code == 302
    third = _post(client, 3)
    assert third.status_code == 200 and Item.objects.count() == 2  # nothing saved
    html = third.content.decode()
    assert "phép tính trong hình" in html and "Đèn đường thôn 3 bị hỏng đã lâu." in html
    assert 'src="/thu-thach/image/' in html
    assert "Kết quả chưa đúng" not in html  # no error before the first try
    # The image is served by this site, as a PNG.
    key = _answer(third)["challenge_0"]
    image = client.get(f"/thu-thach/image/{key}/")
    assert image.status_code == 200 and image["Content-Type"] == "image/png"


def test_the_right_answer_lets_the_submission_through(client, site):
    _post(client, 1), _post(client, 2)
    asked = _post(client, 3)
    done = _post(client, 3, **_answer(asked))
    assert done.status_code == 302 and Item.objects.count() == 3


def test_a_wrong_answer_asks_again_and_saves_nothing(client, site):
    _post(client, 1), _post(client, 2)
    asked = _post(client, 3)
    wrong = _answer(asked)
    wrong["challenge_1"] = str(int(wrong["challenge_1"]) + 1)
    again = _post(client, 3, **wrong)
    assert again.status_code == 200 and Item.objects.count() == 2
    html = again.content.decode()
    assert "Kết quả chưa đúng" in html and "Đèn đường thôn 3 bị hỏng đã lâu." in html
    assert _answer(again)["challenge_0"] != wrong["challenge_0"]  # a new sum


def test_past_the_hourly_maximum_the_form_refuses_even_with_an_answer(client, site):
    for n in (1, 2):
        _post(client, n)
    for n in (3, 4):
        _post(client, n, **_answer(_post(client, n)))
    assert Item.objects.count() == 4
    refused = _post(client, 5)
    assert refused.status_code == 429 and Item.objects.count() == 4
    html = refused.content.decode()
    assert "quá nhiều ý kiến" in html and "Đèn đường thôn 5 bị hỏng đã lâu." in html


def test_the_same_text_again_is_challenged_at_once(client, site):
    assert _post(client, 7).status_code == 302
    other = client.__class__(REMOTE_ADDR="10.0.0.9")  # from another address too
    again = other.post(SUBMIT, payload(body="  ĐÈN ĐƯỜNG thôn 7 bị hỏng   đã lâu. "))
    assert again.status_code == 200 and Item.objects.count() == 1
    assert "phép tính trong hình" in again.content.decode()


def test_addresses_are_counted_apart_and_never_stored(client, site):
    _post(client, 1), _post(client, 2)
    other = client.__class__(REMOTE_ADDR="10.0.0.9")
    assert other.post(SUBMIT, payload(body="Cầu tràn thôn 9 ngập.")).status_code == 302
    keys = " ".join(str(k) for k in cache._cache)  # noqa: SLF001 - LocMemCache's store
    assert "127.0.0.1" not in keys and "10.0.0.9" not in keys
    assert "ln:submit:n:" in keys


def test_limits_can_be_turned_off(client, site, settings):
    settings.LANGNGHE = {**settings.LANGNGHE, "SUBMIT_LIMITS": False}
    for n in range(1, 7):
        assert _post(client, n).status_code == 302


def _guess(client, n, **extra):
    return client.post("/tra-cuu/", {"code": f"26-AAAA{n:02d}", "secret": "WRONG-SECRET", **extra})


def test_guessing_receipts_meets_the_challenge_then_a_refusal(client, site, settings):
    """Receipt guessing (issue 7): after a few wrong pairs the challenge is asked before any
    pair is checked; then the form refuses for the hour. A right pair still works once the
    challenge is answered."""
    from ..factories import submit_one

    settings.LANGNGHE = {
        **settings.LANGNGHE,
        "TRACK_FREE_FAILURES_PER_HOUR": 2,
        "TRACK_MAX_FAILURES_PER_HOUR": 4,
    }
    item, secret = submit_one(site.commune)
    for n in (1, 2):
        wrong = _guess(client, n)
        assert wrong.status_code == 200 and "phép tính trong hình" not in wrong.content.decode()
    # Even the right pair is not checked until the challenge is answered.
    asked = client.post("/tra-cuu/", {"code": item.code, "secret": secret})
    assert asked.status_code == 200 and "phép tính trong hình" in asked.content.decode()
    assert client.get(f"/tra-cuu/{item.code}/").status_code == 302  # no access granted
    done = client.post("/tra-cuu/", {"code": item.code, "secret": secret, **_answer(asked)})
    assert done.status_code == 302 and done["Location"].endswith(f"/tra-cuu/{item.code}/")
    _guess(client, 3, **_answer(_guess(client, 3)))
    _guess(client, 4, **_answer(_guess(client, 4)))
    refused = client.post("/tra-cuu/", {"code": item.code, "secret": secret})
    assert refused.status_code == 429 and "quá nhiều lần" in refused.content.decode()
