"""A tiny hand-built POLE world for graph and detector tests.

Writes the canonical tables (as ingest would) and the resolve stage's tables
(with exactly the columns of the contract in docs/architecture.md), one entity
per record unless told otherwise, so tests do not depend on the resolver.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from toex.store import Store, open_store
from toex.store.reference_tables import refresh_reference_tables

RESOLVE_DDL = """
CREATE TABLE IF NOT EXISTS entity_records (kind VARCHAR, source_id VARCHAR, ref VARCHAR, entity_id VARCHAR);
CREATE TABLE IF NOT EXISTS entities (entity_id VARCHAR, kind VARCHAR, label VARCHAR, records BIGINT, sources VARCHAR[]);
CREATE TABLE IF NOT EXISTS person_entities (entity_id VARCHAR, forenames VARCHAR, surname VARCHAR, dob DATE,
    dob_year SMALLINT, sex VARCHAR, pnc_id VARCHAR, records BIGINT, sources VARCHAR[]);
CREATE TABLE IF NOT EXISTS location_entities (entity_id VARCHAR, building_id VARCHAR, address VARCHAR, town VARCHAR,
    postcode VARCHAR, latitude DOUBLE, longitude DOUBLE, kind VARCHAR);
CREATE TABLE IF NOT EXISTS object_entities (entity_id VARCHAR, kind VARCHAR, value VARCHAR);
CREATE TABLE IF NOT EXISTS organisation_entities (entity_id VARCHAR, name VARCHAR, company_number VARCHAR,
    sic_code VARCHAR, incorporated DATE, dissolved DATE);
"""

#: Force centroids used for places in tests (lat, lon).
PLACES = {
    "suffolk": (52.06, 1.15), "dorset": (50.72, -1.88), "south-wales": (51.48, -3.18),
    "metropolitan": (51.51, -0.13), "essex": (51.74, 0.47), "norfolk": (52.63, 1.29),
    "kent": (51.27, 0.52), "west-midlands": (52.48, -1.89),
}


class World:
    """Build records in one source; entity ids are the refs (``P-000001`` ...)."""

    def __init__(self, store: Store, source_id: str = "s1") -> None:
        self.store = store
        self.source_id = source_id
        self.store.con.execute(RESOLVE_DDL)
        self._line = 0
        self.store.execute(
            "INSERT INTO sources (source_id, name, owner, kind, format) VALUES (?, ?, 'suffolk', 'crime', 'pole')",
            [source_id, source_id],
        )

    def _next(self) -> int:
        self._line += 1
        return self._line

    def _entity(self, kind: str, ref: str, label: str) -> None:
        self.store.execute("INSERT INTO entity_records (kind, source_id, ref, entity_id) VALUES (?, ?, ?, ?)",
                           [kind, self.source_id, ref, ref])
        self.store.execute("INSERT INTO entities (entity_id, kind, label, records, sources) VALUES (?, ?, ?, 1, [?])",
                           [ref, kind, label, self.source_id])

    def person(self, ref: str, forenames: str, surname: str, dob: date | None = None,
               sex: str | None = None, nationality: str = "GBR", dob_year: int | None = None) -> str:
        self.store.execute(
            "INSERT INTO persons (source_id, ref, load_id, line, forenames, surname, dob, dob_year, sex, nationality) "
            "VALUES (?, ?, 'L1', ?, ?, ?, ?, ?, ?, ?)",
            [self.source_id, ref, self._next(), forenames, surname, dob,
             dob.year if dob else dob_year, sex, nationality],
        )
        self._entity("person", ref, f"{forenames} {surname}")
        self.store.execute(
            "INSERT INTO person_entities (entity_id, forenames, surname, dob, dob_year, sex, pnc_id, records, sources) "
            "VALUES (?, ?, ?, ?, ?, ?, NULL, 1, [?])",
            [ref, forenames, surname, dob, dob.year if dob else dob_year, sex, self.source_id],
        )
        return ref

    def location(self, ref: str, address: str, at: str | tuple[float, float], kind: str = "residential",
                 building: str | None = None) -> str:
        lat, lon = PLACES[at] if isinstance(at, str) else at
        self.store.execute(
            "INSERT INTO locations (source_id, ref, load_id, line, address, latitude, longitude, kind) "
            "VALUES (?, ?, 'L1', ?, ?, ?, ?, ?)",
            [self.source_id, ref, self._next(), address, lat, lon, kind],
        )
        self._entity("location", ref, address)
        self.store.execute(
            "INSERT INTO location_entities (entity_id, building_id, address, town, postcode, latitude, longitude, kind) "
            "VALUES (?, ?, ?, NULL, NULL, ?, ?, ?)",
            [ref, building or ref, address, lat, lon, kind],
        )
        return ref

    def obj(self, ref: str, kind: str, value: str) -> str:
        self.store.execute(
            "INSERT INTO objects (source_id, ref, load_id, line, kind, value) VALUES (?, ?, 'L1', ?, ?, ?)",
            [self.source_id, ref, self._next(), kind, value],
        )
        self._entity("object", ref, value)
        self.store.execute("INSERT INTO object_entities (entity_id, kind, value) VALUES (?, ?, ?)", [ref, kind, value])
        return ref

    def org(self, ref: str, name: str, sic_code: str | None = None) -> str:
        self.store.execute(
            "INSERT INTO organisations (source_id, ref, load_id, line, name, sic_code, kind) "
            "VALUES (?, ?, 'L1', ?, ?, ?, 'company')",
            [self.source_id, ref, self._next(), name, sic_code],
        )
        self._entity("organisation", ref, name)
        self.store.execute(
            "INSERT INTO organisation_entities (entity_id, name, company_number, sic_code) VALUES (?, ?, NULL, ?)",
            [ref, name, sic_code]
        )
        return ref

    def event(self, ref: str, kind: str, when: date | datetime | str, force: str,
              offence_code: str | None = None, category: str | None = None,
              location: str | None = None, grading: str | None = None, source_id: str | None = None) -> str:
        when_ts = when if isinstance(when, datetime) else datetime.fromisoformat(str(when))
        g: dict[str, Any] = {"grading": None, "gs": None, "gi": None, "h": None}
        if grading:
            g = {"grading": grading, "gs": grading[0], "gi": grading[1], "h": grading[-1]}
        self.store.execute(
            "INSERT INTO events (source_id, ref, load_id, line, kind, occurred_from, force, reported_by, "
            "location_ref, offence_code, category, grading, grade_source, grade_intel, handling) "
            "VALUES (?, ?, 'L1', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [source_id or self.source_id, ref, self._next(), kind, when_ts, force, force, location,
             offence_code, category, g["grading"], g["gs"], g["gi"], g["h"]],
        )
        return f"E:{source_id or self.source_id}:{ref}"

    def link(self, from_ref: str, to_ref: str, role: str, since: date | str | None = None,
             until: date | str | None = None) -> None:
        kinds = {"P": "person", "L": "location", "T": "object", "O": "organisation"}
        from_kind = kinds.get(from_ref[0], "event") if from_ref[1:2] == "-" else "event"
        to_kind = kinds.get(to_ref[0], "event") if to_ref[1:2] == "-" else "event"
        self.store.execute(
            "INSERT INTO links (source_id, load_id, line, from_ref, to_ref, from_kind, to_kind, role, since, until) "
            "VALUES (?, 'L1', ?, ?, ?, ?, ?, ?, ?, ?)",
            [self.source_id, self._next(), from_ref, to_ref, from_kind, to_kind, role, since, until],
        )

    def offence(self, ref: str, when: str, force: str, people: list[str], code: str = "46",
                category: str | None = "shoplifting", role: str = "suspect", location: str | None = None,
                victims: tuple[str, ...] = ()) -> str:
        """An offence with its suspects (and victims)."""
        node = self.event(ref, "offence", when, force, offence_code=code, category=category, location=location)
        for p in people:
            self.link(p, ref, role)
        for v in victims:
            self.link(v, ref, "victim")
        return node


def new_store() -> Store:
    """An in-memory store migrated up to the detect schema (later stages' migrations are not needed here)."""
    store = open_store(None, migrate_to=4)
    refresh_reference_tables(store)
    return store
