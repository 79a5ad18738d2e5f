"""The append-only, tamper-evident audit trail (DPA 2018 Part 3, s.62).

Each entry's hash covers its own content and the previous entry's hash, so a
changed, inserted or deleted entry breaks the chain from that point on.
Actions follow s.62(1): collection, alteration, consultation, disclosure,
combination, erasure. Never log personal data itself in ``detail`` for erasure.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from toex.store.store import Store

ACTIONS = frozenset({"collection", "alteration", "consultation", "disclosure", "combination", "erasure"})
GENESIS = "0" * 64


def _digest(prev_hash: str, seq: int, at: str, actor: str, action: str, target: str | None,
            detail: str, purpose: str | None) -> str:
    body = json.dumps([prev_hash, seq, at, actor, action, target, detail, purpose], separators=(",", ":"))
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


class Chain:
    """The head of one store's chain, kept by a long-running process that writes many entries (``toex serve``).

    A store that carries a chain (a :class:`ChainedStore`) links each new entry to the cached head
    instead of reading the last entry back, under the chain's lock, so entries from many threads
    never fork the chain. An entry written inside a transaction keeps the lock until that
    transaction ends: nothing can link to an entry that might still roll back, and on a rollback
    the head is read again from the table.
    """

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.head: tuple[int, str] | None = None
        self._held = threading.local()

    def held(self) -> int:
        return int(getattr(self._held, "count", 0))

    def hold(self) -> None:
        """Keep the lock (already acquired) until :meth:`end_transaction`."""
        self._held.count = self.held() + 1

    def end_transaction(self, store: Store, committed: bool) -> None:
        """Release what this thread held for the transaction; after a rollback, re-read the head."""
        count = self.held()
        if not count:
            return
        self._held.count = 0
        try:
            if not committed:
                self.head = head_now(store)
        finally:
            for _ in range(count):
                self.lock.release()


class ChainedStore(Store):
    """A store whose audit entries go through a shared :class:`Chain`."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path | None, chain: Chain) -> None:
        super().__init__(con, path)
        self.audit_chain = chain
        self.in_transaction = False

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        committed = False
        self.in_transaction = True
        try:
            with super().transaction():
                yield self
            committed = True
        finally:
            self.in_transaction = False
            self.audit_chain.end_transaction(self, committed)


def _read_head(store: Store) -> tuple[int, str] | None:
    row = store.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    return None if row is None else (int(row[0]), str(row[1]))


def head_now(store: Store) -> tuple[int, str] | None:
    """The last entry as committed now (a transaction's snapshot may predate the newest entries)."""
    cur = store.con.cursor()
    try:
        return _read_head(Store(cur, store.path))
    finally:
        cur.close()


def _chained(store: Any) -> ChainedStore | None:
    """The chained store behind ``store`` (itself, or the store an engine wraps), if any."""
    for candidate in (store, getattr(store, "store", None)):
        if isinstance(candidate, ChainedStore):
            return candidate
    return None


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
    chained = _chained(store)
    if chained is None:
        return _append(store, _read_head(store), actor, action, target, detail_json, purpose)[0]
    chain = chained.audit_chain
    chain.lock.acquire()
    try:
        # read on a fresh cursor: a transaction's snapshot may predate the newest entries
        head = chain.head if chain.head is not None else head_now(chained)
        chain.head = _append(store, head, actor, action, target, detail_json, purpose)
        seq = chain.head[0]
    except BaseException:
        chain.head = None
        chain.lock.release()
        raise
    if chained.in_transaction:
        chain.hold()
    else:
        chain.lock.release()
    return seq


def _append(store: Store, head: tuple[int, str] | None, actor: str, action: str, target: str | None,
            detail_json: str, purpose: str | None) -> tuple[int, str]:
    """Insert the entry after ``head``; return its (seq, hash)."""
    prev_seq, prev_hash = (0, GENESIS) if head is None else head
    seq = prev_seq + 1
    at = datetime.now(UTC).replace(tzinfo=None).isoformat(timespec="microseconds")
    digest = _digest(prev_hash, seq, at, actor, action, target, detail_json, purpose)
    store.execute(
        "INSERT INTO audit VALUES (?, CAST(? AS TIMESTAMP), ?, ?, ?, ?, ?, ?, ?)",
        [seq, at, actor, action, target, detail_json, purpose, prev_hash, digest],
    )
    return seq, digest


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
