"""Loads the intake reference data (topics, the 27 manifestations of degradation) from the
project's data files. Idempotent: update_or_create on each row's stable code."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from langnghe.core.audit import audit_event_record
from langnghe.orgs.reference import LoadResult, read_yaml

from .models import DegradationIndicator, Topic

DATA_DIR = Path(__file__).resolve().parent / "data"
TOPICS_FILE = DATA_DIR / "topics.yaml"
INDICATORS_FILE = DATA_DIR / "degradation_indicators.yaml"
INDICATORS_EXPECTED = 27  # Nghị quyết 04-NQ/TW: 3 groups of 9


@transaction.atomic
def topics_load(*, path: Path = TOPICS_FILE) -> LoadResult:
    result = LoadResult()
    for row in read_yaml(path).get("topics") or []:
        _topic, created = Topic.objects.update_or_create(
            code=row["code"],
            defaults={
                "name_vi": row["name_vi"],
                "name_en": row["name_en"],
                "order": row.get("order", 0),
                "active": row.get("active", True),
            },
        )
        result.created += created
        result.updated += not created
    audit_event_record(
        action="reference.topics_loaded",
        actor_label="system",
        data={"file": path.name, "created": result.created, "updated": result.updated},
    )
    return result


@transaction.atomic
def indicators_load(*, path: Path = INDICATORS_FILE) -> LoadResult:
    """Our short labels, not the resolution's wording; `verified` is kept as the data says (labels
    resting on no source text end in "(tạm)"), and the source pages are stored with each
    indicator so that a reader can check it."""
    data = read_yaml(path)
    rows = data.get("indicators") or []
    if len(rows) != INDICATORS_EXPECTED or len({r["code"] for r in rows}) != len(rows):
        raise ValueError(
            f"{path.name}: expected {INDICATORS_EXPECTED} distinct indicators, got {len(rows)}"
        )
    pages = data.get("source_pages") or {}
    result = LoadResult()
    for row in rows:
        _indicator, created = DegradationIndicator.objects.update_or_create(
            code=row["code"],
            defaults={
                "group": row["group"],
                "number": row["number"],
                "text_vi": row["label_vi"],
                "verified": bool(row.get("verified", False)),
                "sources": [
                    {"key": key, "url": pages.get(key, "")} for key in row.get("sources") or []
                ],
            },
        )
        result.created += created
        result.updated += not created
    audit_event_record(
        action="reference.indicators_loaded",
        actor_label="system",
        data={"file": path.name, "created": result.created, "updated": result.updated},
    )
    return result
