"""Loads run by the server itself (``POST /admin/ingest``), so a hub can load while analysts work.

DuckDB lets one process write a store file, and ``toex serve`` holds it open;
a separate ``toex ingest`` would be refused while the server runs. So a load
during opening hours runs inside the server process: on its own cursor and
its own transaction per source (readers keep seeing the store as it was until
each source commits), with its ``collection`` audit entry joining the server's
audit chain (held until the load commits, so no entry can link to a load that
rolls back). Only paths inside the folder given to ``toex serve --ingest-dir``
can be loaded, one job at a time. When a job ends the access/search index is
rebuilt in the background.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from toex.api.db import Database
from toex.errors import IngestError
from toex.ingest import IngestItem, LoadResult, ingest, plan
from toex.store.audit import ChainedStore


@dataclass
class IngestJob:
    """One request to load one or more paths."""

    job_id: str
    actor: str
    paths: list[str]
    state: str = "running"  # running | done | failed
    started_at: str = field(default_factory=lambda: datetime.now(UTC).replace(tzinfo=None).isoformat(timespec="seconds"))
    finished_at: str | None = None
    seconds: float | None = None
    results: list[dict[str, Any]] = field(default_factory=list)
    failures: list[dict[str, str]] = field(default_factory=list)
    error: str | None = None

    def body(self) -> dict[str, Any]:
        return {"job_id": self.job_id, "actor": self.actor, "paths": self.paths, "state": self.state,
                "started_at": self.started_at, "finished_at": self.finished_at, "seconds": self.seconds,
                "results": self.results, "failures": self.failures, "error": self.error}


class IngestBusy(Exception):
    """A job is already running."""


class IngestJobs:
    """The server's load jobs (kept in memory; the store's ``loads`` table is the lasting record)."""

    def __init__(self, db: Database, folder: Path | None) -> None:
        self.db = db
        self.folder = folder.resolve() if folder is not None else None
        self.jobs: dict[str, IngestJob] = {}
        self._lock = threading.Lock()
        self._running: threading.Thread | None = None

    def resolve(self, paths: list[str], mapping: str | None) -> tuple[list[IngestItem], list[Path]]:
        """The load plan for paths inside the folder; ValueError for anything outside it or not loadable."""
        if self.folder is None:
            raise LookupError("loading through the API is off: start 'toex serve' with --ingest-dir FOLDER")
        resolved = [self._inside(p) for p in paths]
        mapping_path = self._inside(mapping) if mapping else None
        try:
            items = plan(resolved, mapping_path)
        except IngestError as exc:
            raise ValueError(str(exc).replace(str(self.folder) + "/", "")) from exc
        if not items:
            raise ValueError("nothing to load at those paths")
        return items, resolved

    def _inside(self, given: str) -> Path:
        assert self.folder is not None
        candidate = (self.folder / given).resolve()
        if candidate != self.folder and self.folder not in candidate.parents:
            raise ValueError("paths must be relative paths inside the ingest folder")
        if not candidate.exists():
            raise ValueError(f"{given!r}: no such file or folder in the ingest folder")
        return candidate

    def start(self, actor: str, paths: list[str], items: list[IngestItem]) -> IngestJob:
        with self._lock:
            if self._running is not None and self._running.is_alive():
                raise IngestBusy("a load is already running; wait for it to finish")
            job = IngestJob(f"J-{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}", actor, paths)
            self.jobs[job.job_id] = job
            self._running = threading.Thread(target=self._run, args=(job, items), name="toex-ingest", daemon=True)
            self._running.start()
            return job

    def _run(self, job: IngestJob, items: list[IngestItem]) -> None:
        clock = time.perf_counter()
        cur = self.db.store.con.cursor()
        try:
            store = ChainedStore(cur, self.db.store.path, self.db.chain)

            def done(item: IngestItem, result: LoadResult | None, error: IngestError | None) -> None:
                if result is not None:
                    job.results.append({"source_id": result.source_id, "status": result.status,
                                        "rows": result.rows_loaded, "quarantined": result.quarantined,
                                        "seconds": round(result.seconds, 2)})
                if error is not None:
                    job.failures.append({"path": self._shown(item.path), "error": self._shown_text(str(error))})

            ingest(store, items, actor=job.actor, on_done=done)
            job.state = "failed" if job.failures and not job.results else "done"
        except Exception as exc:  # noqa: BLE001 - the job reports it; the server goes on
            job.state, job.error = "failed", self._shown_text(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        finally:
            cur.close()
            job.seconds = round(time.perf_counter() - clock, 2)
            job.finished_at = datetime.now(UTC).replace(tzinfo=None).isoformat(timespec="seconds")
            self.db.refresh_soon()

    def _shown(self, path: Path) -> str:
        return str(path.relative_to(self.folder)) if self.folder and self.folder in path.parents else path.name

    def _shown_text(self, text: str) -> str:
        return text.replace(str(self.folder) + "/", "") if self.folder else text

    def wait(self, timeout: float | None = None) -> None:
        """Wait for the running job (tests, shutdown)."""
        running = self._running
        if running is not None:
            running.join(timeout)
