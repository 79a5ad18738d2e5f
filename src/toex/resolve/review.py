"""The review queue and analysts' decisions (a judgement table).

``review_decisions`` holds every decision ever made, with who, when and why;
a run never clears it. The latest decision on a pair wins and is applied on
every later run: ``same`` is a must-link (the two records always end in one
entity), ``different`` a cannot-link (they never do, nor does any merge that
would put them together). Invariant: entities are a pure function of the
records, the model and this table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from toex.errors import ToexError
from toex.resolve import db
from toex.store import Store, audit

DECISIONS = ("same", "different")


class ReviewError(ToexError):
    """A decision that cannot be recorded (unknown record, bad decision)."""


@dataclass(frozen=True, slots=True)
class RecordRef:
    """A person record, written ``SOURCE:REF``."""

    source_id: str
    ref: str

    @classmethod
    def parse(cls, text: str) -> RecordRef:
        source_id, sep, ref = text.partition(":")
        if not sep or not source_id or not ref:
            raise ReviewError(f"{text!r}: expected a record as SOURCE:REF, e.g. suffolk-custody:P123")
        return cls(source_id, ref)

    def __str__(self) -> str:
        return f"{self.source_id}:{self.ref}"


@dataclass(frozen=True, slots=True)
class QueueItem:
    """One item of the review queue."""

    pair_id: str
    left: RecordRef
    right: RecordRef
    match_probability: float | None
    reason: str
    entity_id: str | None


def require_person(store: Store, record: RecordRef) -> None:
    """Raise unless the store has this person record."""
    if not db.value(store, "SELECT count(*) FROM persons WHERE source_id = ? AND ref = ?", [record.source_id, record.ref]):
        raise ReviewError(f"{record}: no person record with that source and ref in the store")


def decide(store: Store, left: RecordRef, right: RecordRef, decision: str, actor: str, note: str | None = None) -> None:
    """Record an analyst's decision on two person records (audited); applied from the next run on."""
    if decision not in DECISIONS:
        raise ReviewError(f"{decision!r}: the decision must be one of {', '.join(DECISIONS)}")
    if left == right:
        raise ReviewError("a record is always the same as itself; give two different records")
    require_person(store, left)
    require_person(store, right)
    a, b = sorted((left, right), key=lambda r: (r.source_id, r.ref))
    at = datetime.now(UTC).replace(tzinfo=None)
    with store.transaction():
        store.execute("INSERT INTO review_decisions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                      [a.source_id, a.ref, b.source_id, b.ref, decision, actor, at, note])
        store.execute("DELETE FROM review_queue WHERE (source_id_l = ? AND ref_l = ? AND source_id_r = ? AND ref_r = ?) "
                      "OR (source_id_l = ? AND ref_l = ? AND source_id_r = ? AND ref_r = ?)",
                      [a.source_id, a.ref, b.source_id, b.ref, b.source_id, b.ref, a.source_id, a.ref])
        audit.record(store, actor, "alteration", "review_decisions",
                     {"left": str(a), "right": str(b), "decision": decision, "note": note})


def decision_for(store: Store, left: RecordRef, right: RecordRef) -> tuple[str, str, datetime, str | None] | None:
    """The latest decision on two records: (decision, actor, decided_at, note)."""
    row = db.row(
        store,
        "SELECT decision, actor, decided_at, note FROM review_decisions WHERE "
        "(source_id_l = ? AND ref_l = ? AND source_id_r = ? AND ref_r = ?) OR "
        "(source_id_l = ? AND ref_l = ? AND source_id_r = ? AND ref_r = ?) ORDER BY decided_at DESC LIMIT 1",
        [left.source_id, left.ref, right.source_id, right.ref, right.source_id, right.ref, left.source_id, left.ref],
    )
    return None if row is None else (str(row[0]), str(row[1]), row[2], row[3])


def queue(store: Store, limit: int = 50) -> list[QueueItem]:
    """The review queue, most uncertain first (large entities last)."""
    rows = store.fetchall(
        "SELECT pair_id, source_id_l, ref_l, source_id_r, ref_r, match_probability, reason, entity_id FROM review_queue "
        "ORDER BY entity_id IS NOT NULL, abs(coalesce(match_probability, 0.5) - 0.5), pair_id LIMIT ?", [limit])
    return [QueueItem(r[0], RecordRef(r[1], r[2]), RecordRef(r[3], r[4]), r[5], r[6], r[7]) for r in rows]
