"""Migration 0010 rebuilds the entity tables without their primary keys, keeping every row."""

from __future__ import annotations

from pathlib import Path

from toex.store import open_store

TABLES = ("entities", "person_entities", "location_entities", "object_entities", "organisation_entities")


def test_entity_tables_keep_their_rows_and_lose_the_key(tmp_path: Path) -> None:
    path = tmp_path / "toex.duckdb"
    with open_store(path, migrate_to=9) as store:
        store.execute("INSERT INTO entities VALUES ('P-000001', 'person', 'Ionut Popescu (2009-07-03)', 2, ['a', 'b'])")
        store.execute("INSERT INTO person_entities (entity_id, forenames, surname, records) "
                      "VALUES ('P-000001', 'Ionut', 'Popescu', 2)")
        store.execute("INSERT INTO location_entities (entity_id, postcode, records) VALUES ('L-000001', 'IP1 1AA', 1)")
        store.execute("INSERT INTO object_entities VALUES ('T-000001', 'phone', '+447700900123', 3)")
        store.execute("INSERT INTO organisation_entities (entity_id, name, records) VALUES ('O-000001', 'Acme', 1)")
        before = {t: store.fetchall(f"SELECT * FROM {t}") for t in TABLES}
    with open_store(path) as store:
        assert store.version >= 10
        assert {t: store.fetchall(f"SELECT * FROM {t}") for t in TABLES} == before
        constraints = store.fetchall(
            "SELECT table_name FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY' "
            f"AND table_name IN ({', '.join(repr(t) for t in TABLES)})")
        assert constraints == []
        columns = store.fetchall("SELECT column_name FROM information_schema.columns WHERE table_name = 'entities' "
                                 "ORDER BY ordinal_position")
        assert [c[0] for c in columns] == ["entity_id", "kind", "label", "records", "sources"]
