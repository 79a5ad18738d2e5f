"""Backups: a round trip, damaged backups and foreign files refused, nothing overwritten by accident."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import write_source

from toex.errors import ForeignStoreError, StoreError
from toex.ingest.pole import load_pole_source
from toex.store import open_store
from toex.store.backup import backup, restore

PERSON = {"ref": "P1", "forenames": "Ann", "surname": "Smith", "dob": "1990-01-02"}


def test_round_trip(tmp_path: Path) -> None:
    store_path = tmp_path / "store.duckdb"
    with open_store(store_path) as store:
        load_pole_source(store, write_source(tmp_path, persons=[PERSON]))
    info = backup(store_path, tmp_path / "backups" / "b1.duckdb")
    assert (tmp_path / "backups" / "b1.duckdb.sha256").read_text().startswith(info.sha256)
    with open_store(store_path) as store:  # later changes...
        store.execute("DELETE FROM persons")
    with pytest.raises(StoreError, match="already there"):
        restore(info.path, store_path)
    restore(info.path, store_path, overwrite=True)
    with open_store(store_path) as store:
        assert store.fetchall("SELECT ref, surname FROM persons") == [("P1", "Smith")]
        assert store.scalar("SELECT count(*) FROM audit") == 1


def test_a_damaged_backup_is_refused(tmp_path: Path) -> None:
    store_path = tmp_path / "store.duckdb"
    open_store(store_path).close()
    info = backup(store_path, tmp_path / "b.duckdb")
    data = bytearray(info.path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    info.path.write_bytes(bytes(data))
    with pytest.raises(StoreError, match="checksum does not match"):
        restore(info.path, tmp_path / "new.duckdb")
    assert not (tmp_path / "new.duckdb").exists()


def test_a_foreign_file_is_not_restored(tmp_path: Path) -> None:
    foreign = tmp_path / "notes.txt"
    foreign.write_text("not a store\n" * 1000)
    with pytest.raises(ForeignStoreError):
        restore(foreign, tmp_path / "new.duckdb")
    assert not (tmp_path / "new.duckdb").exists()
    assert not (tmp_path / "new.duckdb.restoring").exists()


def test_backup_refuses_to_overwrite(tmp_path: Path) -> None:
    store_path = tmp_path / "store.duckdb"
    open_store(store_path).close()
    backup(store_path, tmp_path / "b.duckdb")
    with pytest.raises(StoreError, match="already exists"):
        backup(store_path, tmp_path / "b.duckdb")
