"""Migration 0008 adds ``person_features.event_places`` to every schema-7 store, including one built while the
column was briefly part of migration 0007."""

from __future__ import annotations

from pathlib import Path

import pytest

from toex.store import open_store


def _columns(path: Path) -> list[str]:
    with open_store(path) as store:
        return [str(r[0]) for r in store.fetchall(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'person_features' "
            "AND column_name IN ('streets', 'event_places') ORDER BY column_name")]


@pytest.mark.parametrize("had_it", [False, True])
def test_a_schema_7_store_gets_event_places_once(tmp_path: Path, had_it: bool) -> None:
    path = tmp_path / "toex.duckdb"
    with open_store(path, migrate_to=7) as store:
        if had_it:
            store.execute("ALTER TABLE person_features ADD COLUMN event_places VARCHAR[]")
    assert _columns(path) == ["event_places", "streets"]
