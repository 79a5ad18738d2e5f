"""The embedded store beneath every stage."""

from toex.store.store import Store, latest_version, migrate, open_store

__all__ = ["Store", "latest_version", "migrate", "open_store"]
