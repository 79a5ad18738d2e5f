"""The append-only, tamper-evident audit trail (DPA 2018 Part 3, s.62).

Each entry's hash covers its own content and the previous entry's hash, so a
changed, inserted or deleted entry breaks the chain from that point on.
Actions follow s.62(1): collection, alteration, consultation, disclosure,
combination, erasure. Never log personal data itself in ``detail`` for erasure.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from toex.store.store import Store

ACTIONS = frozenset({"collection", "alteration", "consultation", "disclosure", "combination", "erasure"})
GENESIS = "0" * 64


def _digest(prev_hash: str, seq: int, at: str, actor: str, action: str, target: str | None,
            detail: str, purpose: str | None) -> str:
    body = json.dumps([prev_hash, seq, at, actor, action, target, detail, purpose], separators=(",", ":"))
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def record(
    store: Store,
    actor: str,
    action: str,
    target: str | None = None,
    detail: dict[str, Any] | None = None,
    purpose: str | None = None,
) -> int:
    """Append one entry and return its sequence number."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}; expected one of {sorted(ACTIONS)}")
    detail_json = json.dumps(detail or {}, sort_keys=True, default=str, separators=(",", ":"))
    at = datetime.now(UTC).replace(tzinfo=None).isoformat(timespec="microseconds")
    row = store.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    prev_seq, prev_hash = (0, GENESIS) if row is None else (int(row[0]), str(row[1]))
    seq = prev_seq + 1
    digest = _digest(prev_hash, seq, at, actor, action, target, detail_json, purpose)
    store.execute(
        "INSERT INTO audit VALUES (?, CAST(? AS TIMESTAMP), ?, ?, ?, ?, ?, ?, ?)",
        [seq, at, actor, action, target, detail_json, purpose, prev_hash, digest],
    )
    return seq


@dataclass(frozen=True)
class Verification:
    """The outcome of checking the chain."""

    entries: int
    ok: bool
    first_bad_seq: int | None = None
    reason: str | None = None


def verify(store: Store) -> Verification:
    """Recompute the chain; report the first entry that was changed, inserted or removed."""
    rows = store.fetchall(
        "SELECT seq, strftime(logged_at, '%Y-%m-%dT%H:%M:%S.%f'), actor, action, target, CAST(detail AS VARCHAR), "
        "purpose, prev_hash, hash FROM audit ORDER BY seq"
    )
    prev_hash, expected_seq = GENESIS, 1
    for seq, at, actor, action, target, detail, purpose, stored_prev, stored_hash in rows:
        if seq != expected_seq:
            return Verification(len(rows), False, expected_seq, f"entry {expected_seq} is missing")
        if stored_prev != prev_hash:
            return Verification(len(rows), False, seq, "link to the previous entry is broken")
        if _digest(prev_hash, seq, at, actor, action, target, detail, purpose) != stored_hash:
            return Verification(len(rows), False, seq, "entry content does not match its hash")
        prev_hash, expected_seq = stored_hash, seq + 1
    return Verification(len(rows), True)
