"""Loads the gazetteer (administrative units, before and after the 2025 restructuring) from the
project's data file. Idempotent: a second run updates rows in place and creates nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from langnghe.core.audit import audit_event_record
from langnghe.search.text import fold

from .models import AdminUnit

DATA_DIR = Path(__file__).resolve().parent / "data"
ADMIN_UNITS_FILE = DATA_DIR / "admin_units.yaml"


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated"


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _key(ref: dict[str, Any]) -> tuple[str, str]:
    return str(ref["code"]), str(ref["scheme"])


def read_yaml(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


@transaction.atomic
def admin_units_load(*, path: Path = ADMIN_UNITS_FILE) -> LoadResult:
    """Create or update every unit, then link parents and successors (a second pass, since a
    unit may name one that comes later in the file)."""
    rows = read_yaml(path).get("units") or []
    result = LoadResult()
    units: dict[tuple[str, str], AdminUnit] = {}
    for row in rows:
        if row["level"] not in AdminUnit.Level.values:
            raise ValueError(f"{path.name}: unknown level {row['level']!r} for {row['name']}")
        unit, created = AdminUnit.objects.update_or_create(
            code=str(row["code"]),
            scheme=str(row["scheme"]),
            defaults={
                "name": row["name"],
                "name_folded": fold(row["name"]),
                "level": row["level"],
                "valid_from": _date(row.get("valid_from")),
                "valid_to": _date(row.get("valid_to")),
            },
        )
        units[_key(row)] = unit
        result.created += created
        result.updated += not created
    for row in rows:
        unit = units[_key(row)]
        parent = units[_key(row["parent"])] if row.get("parent") else None
        successor = units[_key(row["successor"])] if row.get("successor") else None
        if (unit.parent_id, unit.successor_id) != (
            parent.pk if parent else None,
            successor.pk if successor else None,
        ):
            unit.parent, unit.successor = parent, successor
            unit.save(update_fields=["parent", "successor"])
    audit_event_record(
        action="reference.admin_units_loaded",
        actor_label="system",
        data={"file": path.name, "created": result.created, "updated": result.updated},
    )
    return result
