"""H5: converting a citizen's old address never leaves the machine.

vietnamadminunits asks ArcGIS (geopy, over the network) where the street is when the old commune
was split between several new ones; langnghe.orgs.gazetteer replaces that hook. Every way out is
blocked here and recorded, so a call that slipped through fails the test even though the library
would swallow the error."""

from __future__ import annotations

import importlib
import socket

import pytest

from langnghe.intake.models import Item
from langnghe.orgs import gazetteer
from langnghe.orgs.gazetteer import convert_address
from langnghe.orgs.models import AdminUnit
from langnghe.orgs.reference import admin_units_load

# Xã Trà Bùi (huyện Trà Bồng, Quảng Ngãi) was split between Cà Đam and Tây Trà Bồng: with a street
# the library would geocode it.
SPLIT_WITH_STREET = "Thôn Trà Lãnh, Xã Trà Bùi, Huyện Trà Bồng, Tỉnh Quảng Ngãi"
SPLIT_WITHOUT_STREET = "Xã Trà Bùi, Huyện Trà Bồng, Tỉnh Quảng Ngãi"
ADDRESSES = [
    SPLIT_WITH_STREET,
    SPLIT_WITHOUT_STREET,
    "Thôn 3, Xã Hơ Moong, Huyện Sa Thầy, Tỉnh Kon Tum",
    "Xã Sa Sơn, huyện Sa Thầy, tỉnh Kon Tum",
    "123 Lê Lợi, Phường Trần Phú, Thành phố Quảng Ngãi, Tỉnh Quảng Ngãi",
    "xã Sa Nghĩa",
    "không phải địa chỉ",
]


@pytest.fixture
def no_network(monkeypatch):
    """Every attempt to open a connection or resolve a name is recorded and refused."""
    attempts: list[tuple[str, tuple]] = []

    def refuse(name):
        def blocked(*args, **kwargs):
            attempts.append((name, args))
            raise OSError(f"network blocked by the test ({name})")

        return blocked

    monkeypatch.setattr(socket.socket, "connect", refuse("socket.connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", refuse("socket.connect_ex"))
    monkeypatch.setattr(socket, "create_connection", refuse("socket.create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("socket.getaddrinfo"))
    return attempts


@pytest.fixture
def fresh_library():
    """The library as a new process would import it (its own ArcGIS geocoder in place), so the
    test proves the gazetteer's patch rather than one left over by an earlier test."""
    from vietnamadminunits.converter import converter_2025
    from vietnamadminunits.parser import utils

    importlib.reload(utils)
    importlib.reload(converter_2025)
    assert converter_2025.get_geo_location is not gazetteer._no_geocoding
    gazetteer._library.cache_clear()
    yield
    gazetteer._library.cache_clear()
    gazetteer._library()


@pytest.mark.django_db
def test_conversions_open_no_connection(no_network, fresh_library):
    admin_units_load()
    results = {text: convert_address(text) for text in ADDRESSES}
    assert no_network == []
    assert all(r is None or isinstance(r, AdminUnit) for r in results.values())
    # Our gazetteer still converts what it knows (the Kon Tum communes of the reference data).
    assert results["Xã Sa Sơn, huyện Sa Thầy, tỉnh Kon Tum"].name == "Xã Sa Thầy"
    assert results["Thôn 3, Xã Hơ Moong, Huyện Sa Thầy, Tỉnh Kon Tum"].name == "Xã Sa Bình"
    # Trà Bùi is outside the reference data: recognised by the library, not ours, None.
    assert results[SPLIT_WITH_STREET] is None


def test_split_commune_with_a_street_gets_the_default_successor(no_network, fresh_library):
    """Without a location the library picks the split commune's default successor, the same
    answer as for the address without a street, and without trying the network."""
    lib_convert, _ = gazetteer._library()
    with_street = lib_convert(SPLIT_WITH_STREET)
    without_street = lib_convert(SPLIT_WITHOUT_STREET)
    assert no_network == []
    assert with_street.ward == without_street.ward == "Xã Cà Đam"
    assert with_street.OldAdminUnit.ward == "Xã Trà Bùi"


def test_the_hook_is_replaced_where_it_is_called_and_where_it_is_defined(fresh_library):
    from vietnamadminunits.converter import converter_2025
    from vietnamadminunits.parser import utils

    gazetteer._library()
    assert converter_2025.get_geo_location is gazetteer._no_geocoding
    assert utils.get_geo_location is gazetteer._no_geocoding
    assert utils.geolocator.geocode("anything") is None


@pytest.mark.django_db
def test_submit_with_an_old_split_address_opens_no_connection(client, tree, no_network):
    admin_units_load()
    gazetteer._library.cache_clear()
    response = client.post(
        "/gop-y/",
        {
            "kind": "feedback",
            "title": "Sạt lở đường thôn",
            "body": "Đường liên thôn bị sạt lở sau mưa lớn, xe máy không qua được.",
            "group_size": "1",
            "anonymous": "on",
            "old_address": SPLIT_WITH_STREET,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert no_network == []
    assert "Trà Bùi" in Item.objects.get().location_text
