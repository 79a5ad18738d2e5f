"""The store: creation, migration of an older store in place, foreign files, the audit chain."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from toex.errors import ForeignStoreError, StoreVersionError
from toex.store import audit, latest_version, open_store


def test_created_on_first_use_at_the_latest_version(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "store.duckdb"
    with open_store(path) as store:
        assert store.version == latest_version() >= 2
        assert store.scalar("SELECT count(*) FROM ref_forces") == 44
        assert store.scalar("SELECT region_id FROM ref_forces WHERE force_id = 'kent'") == "ersou"
    assert path.is_file()


def test_an_older_store_is_upgraded_in_place_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    with open_store(path, migrate_to=1) as old:
        assert old.version == 1
        assert not old.table_exists("ref_forces")
        old.execute("INSERT INTO persons (source_id, ref, load_id, surname) VALUES ('s', 'P1', 'l', 'Smith')")
    with open_store(path) as store:
        assert store.version == latest_version()
        assert store.table_exists("ref_forces")
        assert store.fetchall("SELECT ref, surname FROM persons") == [("P1", "Smith")]


def test_a_foreign_file_is_refused_and_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "notes.duckdb"
    path.write_bytes(b"these are my notes, not a database\n" * 100)
    before = path.read_bytes()
    with pytest.raises(ForeignStoreError, match="not a toex store"):
        open_store(path)
    assert path.read_bytes() == before


def test_a_duckdb_file_of_another_application_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE invoices (id INTEGER)")
    con.close()
    with pytest.raises(ForeignStoreError, match="not made by toex"):
        open_store(path)
    con = duckdb.connect(str(path))
    assert [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()] == ["invoices"]
    con.close()


def test_a_store_from_a_newer_toex_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.duckdb"
    with open_store(path) as store:
        store.set_meta("schema_version", str(latest_version() + 1))
    with pytest.raises(StoreVersionError, match="newer toex"):
        open_store(path)


def test_audit_chain_detects_a_changed_or_deleted_entry(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.duckdb") as store:
        for i in range(5):
            audit.record(store, "analyst1", "consultation", f"person:P{i}", {"results": i}, purpose="OP-1")
        assert audit.verify(store).ok
        store.execute("UPDATE audit SET target = 'person:SOMEONE-ELSE' WHERE seq = 3")
        result = audit.verify(store)
        assert not result.ok and result.first_bad_seq == 3
    with open_store(tmp_path / "t.duckdb") as store:
        for i in range(5):
            audit.record(store, "analyst1", "consultation", f"person:P{i}")
        store.execute("DELETE FROM audit WHERE seq = 2")
        result = audit.verify(store)
        assert not result.ok and result.first_bad_seq == 2 and "missing" in (result.reason or "")


def test_audit_refuses_unknown_actions(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.duckdb") as store, pytest.raises(ValueError, match="unknown audit action"):
        audit.record(store, "x", "peek")
