"""One shared DuckDB connection; a cursor per request; writes serialised.

DuckDB allows one writing process per file, so ``toex serve`` holds the store
open, and everything that writes to it while it is served (the API's own
writes, and loads started through ``POST /admin/ingest``) runs in this process.
Reads run on a cursor of the shared connection per request (cursors are
independent connections to the same database and may run in parallel
threads; each sees a consistent snapshot). Audit entries go through one
:class:`~toex.store.audit.Chain`: the head of the hash chain is kept in memory
and every entry links to it under the chain's lock, so the chain never forks
and the last entry is not read back per consultation. Other writes that
read-then-write (sessions, login attempts, tasks, overrides) run under one
write lock. The access/search index is rebuilt in its own transaction
without that lock: readers keep the old index until the new one commits.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from toex.api.index import ensure_index
from toex.store import Store, open_store
from toex.store.audit import Chain, ChainedStore, head_now
from toex.store.store import latest_version

log = logging.getLogger("toex.api")


class Database:
    """The store of a running API."""

    def __init__(self, store: Store, *, index_check_seconds: float = 30.0) -> None:
        self.store = store
        self.write_lock = threading.RLock()
        self.chain = Chain()
        self.chain.head = head_now(store)
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

        self._checked = time.monotonic()
        cur = self.store.con.cursor()
        try:
            handle = Store(cur, self.store.path)
            built = ensure_index(handle, force=force)
            refresh_tables(handle)
        finally:
            cur.close()
        return built

    def maybe_refresh(self) -> None:
        """Check staleness at most every ``index_check_seconds``, in the background.

        The request that notices the check is due does not wait for it: a rebuild (tens of
        seconds on a large store) runs on its own thread while requests keep reading the
        index as it was.
        """
        if time.monotonic() - self._checked < self.index_check_seconds:
            return
        if self._check_lock.acquire(blocking=False):
            self._checked = time.monotonic()
            threading.Thread(target=self._refresh_in_background, name="toex-index", daemon=True).start()

    def refresh_soon(self) -> None:
        """Check the index now, in the background (after a load through the server)."""
        self._checked = 0.0
        self.maybe_refresh()

    def _refresh_in_background(self) -> None:
        try:
            self.refresh_index()
        except Exception:  # noqa: BLE001 - logged; the old index stays in use and the next check retries
            log.exception("rebuilding the access/search index failed")
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
        """The shared store under the write lock (its audit entries join the chain)."""
        with self.write_lock:
            cur = self.store.con.cursor()
            try:
                yield ChainedStore(cur, self.store.path, self.chain)
            finally:
                cur.close()

    @contextmanager
    def auditor(self) -> Iterator[Store]:
        """A store for appending audit entries only (the chain's lock serialises them)."""
        cur = self.store.con.cursor()
        try:
            yield ChainedStore(cur, self.store.path, self.chain)
        finally:
            cur.close()

    @property
    def schema_ok(self) -> bool:
        return self.store.version == latest_version()

    def close(self) -> None:
        with self._check_lock:  # a background index rebuild finishes first
            self.store.close()
