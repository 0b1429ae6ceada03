"""Addresses → administrative units of our gazetteer (DESIGN.md §4: "an old pre-2025 address is
converted to the new commune").

People keep writing the addresses they have always written ("xã Sa Sơn, huyện Sa Thầy, tỉnh Kon
Tum") long after a restructuring. The offline `vietnamadminunits` library knows the national
2025 conversion table; we ask it first, then look its answer up in our own AdminUnit rows by
(code, scheme) — codes alone are ambiguous, since a new commune re-uses one predecessor's code.
When the library finds nothing (a commune name without district or province, a typo it does not
forgive), we match the names of our own units and follow our successor links.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
from collections.abc import Callable
from typing import Any

from django.db.models import Q
from django.utils import timezone

from langnghe.search.text import fold, tokens

from .models import AdminUnit

logger = logging.getLogger(__name__)

PRE_2025 = "pre-2025"
POST_2025 = "post-2025"
MAX_ADDRESS = 500  # longer text is not an address; the library's cost grows with it
MAX_HOPS = 10
SEARCH_LIMIT = 20

COMMUNE_LEVELS = (
    AdminUnit.Level.COMMUNE,
    AdminUnit.Level.WARD,
    AdminUnit.Level.TOWNSHIP_LEGACY,
    AdminUnit.Level.SPECIAL_ZONE,
)
# Folded type words written before a commune's own name ("xã Ya Xiêr" → "ya xier").
_TYPE_PREFIXES = ("thi tran ", "phuong ", "dac khu ", "xa ")
# Folded words that say the address is written in the old (pre-2025) scheme.
_LEGACY_MARKERS = re.compile(r"\b(huyen|quan|thi xa|thi tran|kon tum)\b")


def _valid_on(unit: AdminUnit, day: dt.date) -> bool:
    return (unit.valid_from is None or unit.valid_from <= day) and (
        unit.valid_to is None or unit.valid_to >= day
    )


def _follow(unit: AdminUnit, day: dt.date) -> AdminUnit:
    """Our own successor links: from a unit that had ended by `day` to the one that replaced it."""
    for _ in range(MAX_HOPS):
        if unit.valid_to is None or unit.valid_to >= day or unit.successor_id is None:
            return unit
        unit = unit.successor  # type: ignore[assignment]
    return unit


def _pick(candidates: list[AdminUnit], day: dt.date) -> AdminUnit | None:
    """The candidate valid on `day`; else where an ended candidate's successors lead; else the
    first candidate (a post-2025 commune asked about a 2024 date has no single predecessor)."""
    for unit in candidates:
        if _valid_on(unit, day):
            return unit
    for unit in candidates:
        followed = _follow(unit, day)
        if _valid_on(followed, day):
            return followed
    return candidates[0] if candidates else None


def _unit(code: Any, scheme: str) -> AdminUnit | None:
    if not code:
        return None
    return (
        AdminUnit.objects.select_related("successor").filter(code=str(code), scheme=scheme).first()
    )


def _no_geocoding(address: Any) -> None:
    """Stands in for vietnamadminunits' geocoder: never a location, never a network call."""
    return None


class _NoGeocoder:
    """Stands in for the library's module-level `geopy.geocoders.ArcGIS()` instance."""

    def geocode(self, *args: Any, **kwargs: Any) -> None:
        return None


@functools.cache
def _library() -> tuple[Callable[[str], Any], Callable[[str], Any]]:
    """vietnamadminunits' (convert_address, parse_address), made unable to reach the network.

    When an old commune was split between several new ones and the address has a street part,
    `converter_2025.convert_address_2025` calls `parser.utils.get_geo_location`, which asks
    ArcGIS's web service (geopy) where the street is. That would send a citizen's address to a
    foreign service from inside the submit form, and block on a timeout on an offline server. We
    replace the hook, where it is called (the name imported into `converter_2025`) and where it is
    defined, by one that finds no location: the library then picks the split commune's default
    successor, exactly as for an address without a street. If a new version of the library
    moves the hook we cannot prove it offline, and do not use the library at all.
    """
    import vietnamadminunits
    from vietnamadminunits.converter import converter_2025
    from vietnamadminunits.parser import utils

    if not hasattr(converter_2025, "get_geo_location") or not hasattr(utils, "geolocator"):
        raise RuntimeError("vietnamadminunits' geocoding hook moved: refusing to use the library")
    converter_2025.get_geo_location = _no_geocoding
    utils.get_geo_location = _no_geocoding
    utils.geolocator = _NoGeocoder()
    return vietnamadminunits.convert_address, vietnamadminunits.parse_address


def _via_library(text: str, day: dt.date) -> tuple[bool, AdminUnit | None]:
    """(the library recognised a commune, our unit for it). Any failure inside the library is
    treated as "not recognised": an address typed by a citizen must never raise."""
    try:
        lib_convert, _ = _library()
        result = lib_convert(text)
    except Exception:  # noqa: BLE001 - third-party parser on untrusted text
        logger.warning("vietnamadminunits.convert_address failed", exc_info=True)
        return False, None
    if result is None or not getattr(result, "ward_code", None):
        return False, None
    new = _unit(result.ward_code, POST_2025)
    old_result = getattr(result, "OldAdminUnit", None)
    old = _unit(getattr(old_result, "ward_code", None), PRE_2025) if old_result else None
    # Old first: for a date before the switch the old commune is the answer, and after it the
    # old commune's own successor link leads to the same new one.
    return True, _pick([u for u in (old, new) if u is not None], day)


def _via_new_scheme(text: str, day: dt.date) -> AdminUnit | None:
    """An address already written in the 2025 scheme ("xã Sa Bình, tỉnh Quảng Ngãi")."""
    try:
        _, lib_parse = _library()
        result = lib_parse(text)
    except Exception:  # noqa: BLE001
        logger.warning("vietnamadminunits.parse_address failed", exc_info=True)
        return None
    unit = _unit(getattr(result, "ward_code", None), POST_2025) if result is not None else None
    return _pick([unit], day) if unit is not None else None


def _bare(name_folded: str) -> str:
    for prefix in _TYPE_PREFIXES:
        if name_folded.startswith(prefix):
            return name_folded[len(prefix) :]
    return name_folded


def _via_names(text: str, day: dt.date) -> AdminUnit | None:
    """Match our own communes' names in the folded text, the longest match winning and a match
    with its type word ("xa ya xier") beating a bare one ("ya xier")."""
    haystack = f" {' '.join(tokens(text))} "
    # "huyện Sa Thầy" names the old district, not the commune called Sa Thầy.
    for name in AdminUnit.objects.exclude(level__in=COMMUNE_LEVELS).values_list(
        "name_folded", flat=True
    ):
        if name:
            haystack = haystack.replace(f" {name} ", " ")
    best: tuple[int, int] = (0, 0)
    found: list[AdminUnit] = []
    for unit in AdminUnit.objects.filter(level__in=COMMUNE_LEVELS).select_related("successor"):
        full = " ".join(tokens(unit.name_folded or unit.name))
        bare = _bare(full)
        if f" {full} " in haystack:
            score = (2, len(full))
        elif bare and f" {bare} " in haystack:
            score = (1, len(bare))
        else:
            continue
        if score > best:
            best, found = score, [unit]
        elif score == best:
            found.append(unit)
    return _pick(found, day)


def convert_address(text: str, *, on: dt.date | None = None) -> AdminUnit | None:
    """The commune of our gazetteer that `text` designates on the day `on` (today by default):
    an address written with pre-2025 units gives the post-2025 commune that succeeded it.
    None when the text names no commune we know."""
    text = (text or "").replace("\x00", " ").strip()[:MAX_ADDRESS]
    if not tokens(text):
        return None
    day = on or timezone.localdate()
    recognised, unit = _via_library(text, day)
    if recognised:
        return unit  # a commune outside our gazetteer is not ours to guess at
    unit = _via_names(text, day)
    if unit is None and not _LEGACY_MARKERS.search(fold(text)):
        unit = _via_new_scheme(text, day)
    return unit


def search_units(
    query: str, *, on: dt.date | None = None, limit: int = SEARCH_LIMIT
) -> list[AdminUnit]:
    """Units whose name contains every word of `query`, typed with or without diacritics; units
    in force (on `on`, default today) first, then the others (old names people still use)."""
    words = tokens((query or "")[:MAX_ADDRESS])[:8]
    if not words:
        return []
    day = on or timezone.localdate()
    q = Q()
    for word in words:
        q &= Q(name_folded__contains=word)
    units = list(AdminUnit.objects.filter(q).select_related("parent", "successor")[: limit * 4])
    units.sort(key=lambda u: (not _valid_on(u, day), u.name_folded, u.scheme))
    return units[:limit]
