import datetime as dt

import pytest
from django.core.management import call_command

from langnghe.intake.models import DegradationIndicator, Topic
from langnghe.orgs.gazetteer import convert_address, search_units
from langnghe.orgs.models import AdminUnit
from langnghe.orgs.reference import admin_units_load

BEFORE = dt.date(2025, 6, 1)
AFTER = dt.date(2025, 7, 1)


@pytest.fixture
def gazetteer(db):
    admin_units_load()


def _new(name):
    return AdminUnit.objects.get(name=name, scheme="post-2025")


def test_reference_data_loads_idempotently(db):
    call_command("load_reference_data", verbosity=0)
    counts = (
        AdminUnit.objects.count(),
        Topic.objects.count(),
        DegradationIndicator.objects.count(),
    )
    call_command("load_reference_data", verbosity=0)
    assert (
        AdminUnit.objects.count(),
        Topic.objects.count(),
        DegradationIndicator.objects.count(),
    ) == counts
    # 2 provinces, 1 district, 11 old communes, 5 new ones
    assert counts[0] == 19 and counts[2] == 27 and counts[1] >= 12
    assert (
        AdminUnit.objects.filter(
            scheme="pre-2025", level__in=["commune", "township_legacy"]
        ).count()
        == 11
    )
    assert not AdminUnit.objects.filter(name_folded="").exists()


def test_rs6_successor_links(gazetteer):
    sa_thay = _new("Xã Sa Thầy")
    old = AdminUnit.objects.filter(successor=sa_thay).values_list("name", flat=True)
    assert sorted(old) == ["Thị trấn Sa Thầy", "Xã Sa Nhơn", "Xã Sa Sơn"]
    # code reuse trap: the new Xã Sa Bình carries old Hơ Moong's code, not old Sa Bình's
    assert _new("Xã Sa Bình").code == AdminUnit.objects.get(name="Xã Hơ Moong").code
    assert AdminUnit.objects.get(name="Xã Sa Bình", scheme="pre-2025").successor == _new(
        "Xã Sa Bình"
    )
    assert AdminUnit.objects.get(code="616").successor is None
    assert AdminUnit.objects.get(code="62").successor == AdminUnit.objects.get(code="51")
    assert sa_thay.parent.name == "Tỉnh Quảng Ngãi"


def test_old_address_converts_to_new_commune(gazetteer):
    unit = convert_address("Xã Sa Sơn, huyện Sa Thầy, tỉnh Kon Tum")
    assert unit == _new("Xã Sa Thầy")
    assert unit.parent.name == "Tỉnh Quảng Ngãi"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("xa ya xier", "Xã Ya Ly"),
        ("Ya Xiêr", "Xã Ya Ly"),
        ("thon 2 xa ya tang huyen sa thay", "Xã Ya Ly"),
        ("Thôn 3, Xã Hơ Moong, Huyện Sa Thầy, Tỉnh Kon Tum", "Xã Sa Bình"),
        ("xã Sa Nghĩa", "Xã Sa Bình"),
        ("Thị trấn Sa Thầy", "Xã Sa Thầy"),
        ("Xã Rơ Kơi, Sa Thầy, Kon Tum", "Xã Rờ Kơi"),
        ("Mô Rai", "Xã Mô Rai"),
        ("Xã Sa Bình, tỉnh Quảng Ngãi", "Xã Sa Bình"),
        ("XA SA NHON", "Xã Sa Thầy"),
    ],
)
def test_variants_of_old_and_new_addresses(gazetteer, text, expected):
    assert convert_address(text, on=AFTER) == _new(expected)


def test_on_a_date_before_the_switch_the_old_commune_is_the_answer(gazetteer):
    unit = convert_address("Xã Sa Sơn, huyện Sa Thầy, tỉnh Kon Tum", on=BEFORE)
    assert (unit.name, unit.scheme) == ("Xã Sa Sơn", "pre-2025")
    unit = convert_address("xa ya xier", on=BEFORE)
    assert (unit.name, unit.scheme) == ("Xã Ya Xiêr", "pre-2025")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "foo bar",
        "Phường 1, Quận 3, TP Hồ Chí Minh",
        "Hà Nội",
        "\x00\x00",
        "x" * 5000,
        "thôn 3, huyện Sa Thầy, tỉnh Kon Tum",
    ],
)
def test_unknown_address_gives_none(gazetteer, text):
    assert convert_address(text) is None


def test_search_units_ignores_diacritics_and_puts_current_units_first(gazetteer):
    names = [u.name for u in search_units("sa binh")]
    assert names[0] == "Xã Sa Bình" and names[:1] == ["Xã Sa Bình"]
    first = search_units("sa binh")[0]
    assert first.scheme == "post-2025"
    assert "Xã Sa Bình" in [u.name for u in search_units("SA BÌNH") if u.scheme == "pre-2025"]
    assert [u.name for u in search_units("ya xier")] == ["Xã Ya Xiêr"]
    assert [u.name for u in search_units("Rờ Kơi")][0] == "Xã Rờ Kơi"
    assert search_units("") == [] and search_units("zzz") == []
