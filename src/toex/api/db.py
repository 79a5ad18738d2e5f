"""One shared DuckDB connection; a cursor per request; writes serialised.

DuckDB allows one writing process per file, so ``toex serve`` holds the store
open. Reads run on a cursor of the shared connection per request (cursors are
independent connections to the same database and may run in parallel
threads). Writes that read-then-write (the audit chain, sessions, login
attempts, tasks) run under one lock, so the hash chain never forks.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from toex.api.index import ensure_index
from toex.store import Store, open_store
from toex.store.store import latest_version


class Database:
    """The store of a running API."""

    def __init__(self, store: Store, *, index_check_seconds: float = 30.0) -> None:
        self.store = store
        self.write_lock = threading.RLock()
        self.index_check_seconds = index_check_seconds
        self._checked = 0.0
        self._check_lock = threading.Lock()

    @classmethod
    def open(cls, path: object, *, threads: int | None = None, index_check_seconds: float = 30.0) -> Database:
        store = open_store(path if path is None else str(path))
        if threads:
            store.execute(f"SET threads = {int(threads)}")
        db = cls(store, index_check_seconds=index_check_seconds)
        db.refresh_index(force=False)
        return db

    def refresh_index(self, *, force: bool = False) -> bool:
        """Rebuild the access/search index when the stages' tables changed."""
        from toex.api.queries import refresh_tables

        with self.write_lock:
            self._checked = time.monotonic()
            built = ensure_index(self.store, force=force)
            refresh_tables(self.store)
            return built

    def maybe_refresh(self) -> None:
        """Check staleness at most every ``index_check_seconds``."""
        if time.monotonic() - self._checked < self.index_check_seconds:
            return
        if self._check_lock.acquire(blocking=False):
            try:
                self.refresh_index()
            finally:
                self._check_lock.release()

    @contextmanager
    def reader(self) -> Iterator[Store]:
        """A store on its own cursor, for one request."""
        cur = self.store.con.cursor()
        try:
            yield Store(cur, self.store.path)
        finally:
            cur.close()

    @contextmanager
    def writer(self) -> Iterator[Store]:
        """The shared store under the write lock."""
        with self.write_lock:
            cur = self.store.con.cursor()
            try:
                yield Store(cur, self.store.path)
            finally:
                cur.close()

    @property
    def schema_ok(self) -> bool:
        return self.store.version == latest_version()

    def close(self) -> None:
        self.store.close()
