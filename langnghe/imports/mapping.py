"""A mapping file: which column of an outside register holds which field of an item."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _

from langnghe.core.errors import ApplicationError
from langnghe.intake.models import OFFLINE_CHANNELS, Kind

EXAMPLES_DIR = Path(__file__).parent / "mappings"

# Fields a column can feed. name_address is the combined "Họ tên, địa chỉ" of Mẫu 03/TCD.
FIELDS = (
    "source_ref",
    "received_at",
    "name",
    "address",
    "name_address",
    "phone",
    "id_number",
    "representatives",
    "kind",
    "title",
    "body",
    "group_size",
)


class MappingError(ApplicationError):
    """The mapping file itself is wrong (not a row of the data)."""


def norm_header(value: Any) -> str:
    """Headers compare case-insensitively, Unicode-normalised, whitespace collapsed."""
    text = unicodedata.normalize("NFC", str(value or ""))
    return re.sub(r"\s+", " ", text).strip().casefold()


@dataclass
class Mapping:
    name: str
    channel: str
    columns: dict[str, list[str]]
    kinds: dict[str, str]
    default_kind: str = ""
    max_header_row: int = 20
    optional: set[str] = field(default_factory=set)
    extra: dict[str, Any] = field(default_factory=dict)

    def kind_for(self, raw: str) -> list[str] | None:
        """The kinds of one cell: the whole cell first, then its parts split at , ; or /."""
        value = norm_header(raw)
        if not value:
            return [self.default_kind] if self.default_kind else None
        if value in self.kinds:
            return [self.kinds[value]]
        kinds: list[str] = []
        for piece in re.split(r"[,;/+]", value):
            piece = piece.strip()
            if not piece:
                continue
            if piece not in self.kinds:
                return None
            if self.kinds[piece] not in kinds:
                kinds.append(self.kinds[piece])
        return kinds or None


def _unwritable(value: Any, depth: int = 0) -> bool:
    """Whether a parsed YAML value holds text no database or page can take: a NUL or a lone
    surrogate, which YAML's escapes ("\\0", "\\ud800") make out of plain ASCII."""
    if depth > 50:  # the mapping is a few levels deep; deeper is refused as malformed anyway
        return True
    if isinstance(value, str):
        return "\x00" in value or any("\ud800" <= ch <= "\udfff" for ch in value)
    if isinstance(value, dict):
        return any(_unwritable(k, depth + 1) or _unwritable(v, depth + 1) for k, v in value.items())
    if isinstance(value, list):
        return any(_unwritable(v, depth + 1) for v in value)
    return False


def mapping_parse(data: Any, *, source: str = "") -> Mapping:
    if not isinstance(data, dict) or _unwritable(data):
        raise MappingError(message=_("Tệp ánh xạ %(f)s không đúng định dạng.") % {"f": source})
    channel = str(data.get("channel") or "letter")
    if channel not in OFFLINE_CHANNELS:
        raise MappingError(message=_("Kênh tiếp nhận không hợp lệ: %(c)s.") % {"c": channel})
    raw_columns = data.get("columns") or {}
    if not isinstance(raw_columns, dict):
        raise MappingError(message=_("Mục 'columns' của tệp ánh xạ phải là bảng."))
    columns: dict[str, list[str]] = {}
    for key, headers in raw_columns.items():
        if key not in FIELDS:
            raise MappingError(message=_("Trường không được hỗ trợ: %(f)s.") % {"f": key})
        headers = headers if isinstance(headers, list) else [headers]
        columns[key] = [norm_header(h) for h in headers if norm_header(h)]
    if "received_at" not in columns:
        raise MappingError(message=_("Tệp ánh xạ cần cột ngày tiếp nhận (received_at)."))
    if "body" not in columns and "title" not in columns:
        raise MappingError(message=_("Tệp ánh xạ cần cột nội dung (body hoặc title)."))
    raw_optional = data.get("optional") or []
    if not isinstance(raw_optional, list) or not all(isinstance(o, str) for o in raw_optional):
        raise MappingError(message=_("Mục 'optional' chỉ gồm các cột không bắt buộc."))
    optional = set(raw_optional)
    if optional - set(FIELDS) or optional & {"received_at", "kind", "source_ref"}:
        raise MappingError(message=_("Mục 'optional' chỉ gồm các cột không bắt buộc."))
    kinds: dict[str, str] = {}
    raw_kinds = data.get("kinds") or {}
    if not isinstance(raw_kinds, dict):
        raise MappingError(message=_("Mục 'kinds' của tệp ánh xạ phải là bảng."))
    for raw, kind in raw_kinds.items():
        if not isinstance(kind, str) or kind not in Kind.values:
            raise MappingError(message=_("Loại ý kiến không hợp lệ: %(k)s.") % {"k": kind})
        kinds[norm_header(raw)] = kind
    default_kind = str(data.get("default_kind") or "")
    if default_kind and default_kind not in Kind.values:
        raise MappingError(message=_("Loại ý kiến không hợp lệ: %(k)s.") % {"k": default_kind})
    if "kind" not in columns and not default_kind:
        raise MappingError(message=_("Tệp ánh xạ cần cột loại đơn hoặc default_kind."))
    max_header_row = data.get("max_header_row") or 20
    if (
        not isinstance(max_header_row, int)
        or isinstance(max_header_row, bool)
        or max_header_row < 1
    ):
        raise MappingError(message=_("Mục 'max_header_row' phải là một số nguyên dương."))
    return Mapping(
        name=str(data.get("name") or source),
        channel=channel,
        columns=columns,
        kinds=kinds,
        default_kind=default_kind,
        max_header_row=max_header_row,
        optional=optional,
    )


def mapping_load(path: str | Path) -> Mapping:
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise MappingError(
            message=_("Không đọc được tệp ánh xạ %(f)s.") % {"f": path.name}
        ) from exc
    return mapping_parse(data, source=path.name)


def mapping_examples() -> dict[str, Path]:
    """The mappings shipped with the application, by file stem."""
    return {p.stem: p for p in sorted(EXAMPLES_DIR.glob("*.yaml"))}
