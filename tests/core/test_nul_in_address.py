"""A NUL in the address is refused once, before any view (PostgreSQL text cannot hold one, so any
query with it failed with a 500), in the shape the caller reads: a page, the API's error body, or
GeoReport's."""

from __future__ import annotations

from xml.etree import ElementTree as ET

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    ["/hom-thu/a%00b/", "/cong-khai/?don-vi=a%00", "/gop-y/?hom-thu=a%00b", "/tim-kiem/?q=%00"],
)
def test_pages_answer_400_with_a_message(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "ký tự không hợp lệ" in response.content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(url)
    assert english.status_code == 400 and "Invalid character" in english.content.decode()


def test_a_post_with_a_nul_in_its_address_saves_nothing(client, db):
    from langnghe.intake.models import Item

    assert client.post("/gop-y/?hom-thu=a%00b", {"body": "x"}).status_code == 400
    assert Item.objects.count() == 0


def test_the_api_answers_in_its_error_shape(client):
    response = client.get("/api/v1/published/?q=%00")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"


def test_open311_answers_in_the_specs_error_format(client):
    json_error = client.get("/open311/v2/requests.json?service_code=%00")
    assert json_error.status_code == 400 and json_error.json()[0]["code"] == 400
    xml_error = client.get("/open311/v2/requests.xml?service_code=%00")
    root = ET.fromstring(xml_error.content)  # noqa: S314 — our own output, in a test
    assert xml_error.status_code == 400 and root.findtext("error/code") == "400"


def test_a_percent_sign_typed_by_a_person_is_not_a_nul(client):
    # "100%00" typed in the search box travels as 100%2500.
    assert client.get("/tim-kiem/?q=100%2500").status_code == 200


def test_a_box_code_with_a_nul_in_the_form_is_no_box(db):
    from langnghe.boxes.selectors import box_for_submission

    assert box_for_submission("AB\x00C") is None
