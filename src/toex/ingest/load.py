"""One load of one source: all or nothing, recorded in the load history and audit.

A load deletes the source's previous rows and writes the new ones in one
transaction, so reloading a source replaces it and a failed load leaves the
store exactly as it was (only the failure is recorded in ``loads``).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from toex.engine import Engine, EngineError, record_audit
from toex.errors import IngestError
from toex.ingest.canonical import delete_source
from toex.ingest.source import SourceSpec


@dataclass
class LoadResult:
    """What one load did, for the summary a person reads."""

    source_id: str
    load_id: str
    format: str
    location: str
    status: str = "loaded"
    counts: dict[str, int] = field(default_factory=dict)
    quarantined: int = 0
    reasons: list[tuple[str, int]] = field(default_factory=list)
    message: str = ""
    seconds: float = 0.0

    @property
    def rows_loaded(self) -> int:
        return sum(self.counts.values())


#: The body of a load: writes rows for (source, load id); returns rows per table and rows quarantined.
LoadBody = Callable[[Engine, str], tuple[dict[str, int], int]]


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def new_load_id(source_id: str) -> str:
    """A load id that sorts by time and names its source."""
    return f"{_now():%Y%m%dT%H%M%S}-{source_id}-{uuid.uuid4().hex[:6]}"


def run_load(store: Engine, spec: SourceSpec, fmt: str, location: str, actor: str, body: LoadBody) -> LoadResult:
    """Run ``body`` in a transaction that first removes the source's previous rows."""
    load_id = new_load_id(spec.id)
    result = LoadResult(spec.id, load_id, fmt, location)
    started, clock = _now(), time.perf_counter()
    try:
        with store.transaction():
            delete_source(store, spec.id)
            result.counts, result.quarantined = body(store, load_id)
            result.reasons = _reason_summary(store, load_id)
            store.execute("DELETE FROM sources WHERE source_id = ?", [spec.id])
            store.execute(
                "INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [spec.id, spec.name, spec.owner, spec.kind, spec.extracted, spec.classification, fmt, location,
                 load_id, _now()],
            )
            result.seconds = time.perf_counter() - clock
            _record_load(store, result, actor, started)
            record_audit(
                store, actor, "collection", f"source:{spec.id}",
                {"load_id": load_id, "rows": result.rows_loaded, "quarantined": result.quarantined,
                 "format": fmt, "location": location},
            )
    except (IngestError, EngineError) as exc:
        error = exc if isinstance(exc, IngestError) else IngestError(f"{location}: load failed: {str(exc).splitlines()[0]}")
        result.status, result.message = "failed", str(error)
        result.seconds = time.perf_counter() - clock
        _record_load(store, result, actor, started)
        if error is not exc:
            raise error from exc
        raise
    return result


def _record_load(store: Engine, result: LoadResult, actor: str, started: datetime) -> None:
    store.execute(
        "INSERT INTO loads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [result.load_id, result.source_id, result.format, result.location, actor, started, _now(),
         result.status, result.rows_loaded, result.quarantined, result.message or None],
    )


def _reason_summary(store: Engine, load_id: str) -> list[tuple[str, int]]:
    """Quarantine reasons grouped by their kind (the text before any quoted value)."""
    d = store.dialect
    kind = d.regexp_replace_all(d.regexp_replace_all("reason", "'[^']*'", "…"), r" \(first at [^)]*\)", "")
    rows = store.fetchall(
        f"""SELECT kind, count(*) FROM (SELECT {kind} AS kind FROM quarantine WHERE load_id = ?) __reasons
        GROUP BY kind ORDER BY count(*) DESC, kind""",
        [load_id],
    )
    return [(str(kind), int(count)) for kind, count in rows]
