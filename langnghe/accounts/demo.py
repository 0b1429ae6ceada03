"""Demo: the demo accounts keep logging in with a password only (LANGNGHE_REQUIRE_2FA_ROLES is
empty outside production); the audit trail written while loading is linked into its hash chain,
so `manage.py audit_verify` passes on a fresh demo. Runs last among the demo builders."""

from __future__ import annotations

from typing import Any

from langnghe.core.audit import audit_chain_extend, chain_head


def build_demo(*, seed: int, out: Any = None) -> list[str]:
    linked = audit_chain_extend()
    head = chain_head()
    anchor = f"{head.chain_seq}:{head.chain_hash[:12]}…" if head is not None else "-"
    return [
        f"Nhật ký kiểm toán: {linked} sự kiện đã nối chuỗi băm (mốc {anchor}) / "
        f"Audit trail: {linked} events hash-chained (anchor {anchor})"
    ]
