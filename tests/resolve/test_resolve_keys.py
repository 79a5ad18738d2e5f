"""Locations, objects and organisations: exact rules on hand-written records."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import write_source

from toex.ingest import ingest, plan
from toex.resolve import ResolveConfig, resolve
from toex.store import Store


def entity(store: Store, kind: str, source: str, ref: str) -> str:
    return str(store.fetchall("SELECT entity_id FROM entity_records WHERE kind = ? AND source_id = ? AND ref = ?",
                              [kind, source, ref])[0][0])


def load(store: Store, root: Path) -> None:
    a = write_source(
        root, "force-a",
        locations=[
            {"ref": "L1", "address": "Flat 3, Rosewood Court, 27 Victoria Street", "postcode": "IP1 1AA"},
            {"ref": "L2", "address": "Flat 4, 27 Victoria Street", "postcode": "IP1 1AA"},
            {"ref": "L3", "address": "12 High Road", "postcode": "IP4 2BB", "uprn": "100012345"},
        ],
        objects=[
            {"ref": "T1", "kind": "phone", "value": "07700 900123"},
            {"ref": "T2", "kind": "vehicle", "value": "AB12 CDE"},
            {"ref": "T3", "kind": "bank-account", "value": "20-00-00 12345678"},
        ],
        organisations=[
            {"ref": "O1", "name": "Acme Hand Car Wash Ltd", "company_number": "1234567"},
            {"ref": "O2", "name": "Rosewood Cleaning Limited"},
        ],
        links=[{"from_ref": "O2", "to_ref": "L3", "role": "registered-at"}],
    )
    b = write_source(
        root, "force-b", owner="dorset",
        locations=[
            {"ref": "M1", "address": "3/27 Victoria St", "postcode": "ip11aa"},
            {"ref": "M2", "address": "FLAT 4 27 VICTORIA ST", "postcode": "IP11AA"},
            {"ref": "M3", "address": "12 High Rd", "postcode": "", "uprn": "100012345"},
        ],
        objects=[
            {"ref": "U1", "kind": "phone", "value": "+44 7700 900123"},
            {"ref": "U2", "kind": "vehicle", "value": "ab12cde"},
            {"ref": "U3", "kind": "bank-account", "value": "200000-12345678"},
        ],
        organisations=[
            {"ref": "P1", "name": "ACME HAND CAR WASH LIMITED", "company_number": "01234567"},
            {"ref": "P2", "name": "Rosewood Cleaning Ltd.", "company_number": ""},
            {"ref": "P3", "name": "Rosewood Cleaning Ltd", "company_number": "07654321"},
        ],
        links=[{"from_ref": "P2", "to_ref": "M1", "role": "registered-at"}],
    )
    ingest(store, plan([a, b]))


def test_flats_are_distinct_entities_sharing_a_building(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path)
    resolve(store, ResolveConfig())
    flat3 = entity(store, "location", "force-a", "L1")
    flat4 = entity(store, "location", "force-a", "L2")
    assert entity(store, "location", "force-b", "M1") == flat3
    assert entity(store, "location", "force-b", "M2") == flat4
    assert flat3 != flat4
    buildings = store.fetchall("SELECT DISTINCT building_id FROM location_entities WHERE entity_id IN (?, ?)", [flat3, flat4])
    assert buildings == [("IP1 1AA|27",)]
    assert entity(store, "location", "force-b", "M3") == entity(store, "location", "force-a", "L3")  # by UPRN
    lat = store.scalar("SELECT latitude FROM location_entities WHERE entity_id = ?", [flat3])
    assert lat is not None  # filled from the postcode


def test_objects_by_normalised_value(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path)
    resolve(store, ResolveConfig())
    for a, b in (("T1", "U1"), ("T2", "U2"), ("T3", "U3")):
        assert entity(store, "object", "force-a", a) == entity(store, "object", "force-b", b)
    assert store.scalar("SELECT value FROM object_entities WHERE kind = 'phone'") == "+447700900123"


def test_organisations_by_number_then_name(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path)
    resolve(store, ResolveConfig())
    # company number, leading zero restored; Ltd = Limited
    assert entity(store, "organisation", "force-a", "O1") == entity(store, "organisation", "force-b", "P1")
    # no number, different registered address: not the same company as the numbered one elsewhere
    assert entity(store, "organisation", "force-a", "O2") != entity(store, "organisation", "force-b", "P2")
    assert store.scalar("SELECT count(*) FROM entities WHERE kind = 'organisation'") == 4


def test_entities_cover_every_record_and_runs_are_audited(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path)
    resolve(store, ResolveConfig(), actor="tester")
    total = sum(store.scalar(f"SELECT count(*) FROM {t}") for t in ("persons", "locations", "objects", "organisations"))
    assert store.scalar("SELECT count(*) FROM entity_records") == total
    assert store.scalar("SELECT count(*) FROM audit WHERE action = 'combination' AND actor = 'tester'") == 1
    assert store.scalar("SELECT count(*) FROM resolve_runs") == 1


def test_entity_numbers_past_a_million_are_not_cut() -> None:
    import duckdb

    from toex.resolve.ids import number_sql

    got = duckdb.connect().execute(f"SELECT {number_sql('42')}, {number_sql('1234567')}").fetchall()[0]
    assert got == ("000042", "1234567")


def test_an_address_with_no_postcode_nor_town_is_one_place_within_a_force_only(store: Store, tmp_path: Path) -> None:
    """'2 East Rd' alone is a different place in Suffolk and in Dorset; in one force's sources it is one place."""
    a = write_source(tmp_path, "suffolk-crime", locations=[{"ref": "A1", "address": "2 East Rd"}])
    b = write_source(tmp_path, "suffolk-intel", kind="intelligence", locations=[{"ref": "B1", "address": "2 EAST RD"}])
    c = write_source(tmp_path, "dorset-crime", owner="dorset", locations=[{"ref": "C1", "address": "2 East Rd"}])
    d = write_source(tmp_path, "dorset-custody", owner="dorset", kind="custody",
                     locations=[{"ref": "D1", "address": "2 East Rd", "town": "Ipswich"},
                                {"ref": "D2", "address": "2 East Road", "town": "IPSWICH"}])
    e = write_source(tmp_path, "suffolk-custody", kind="custody",
                     locations=[{"ref": "E1", "address": "2 East Rd", "town": "Ipswich"}])
    ingest(store, plan([a, b, c, d, e]))
    resolve(store, ResolveConfig())
    assert entity(store, "location", "suffolk-crime", "A1") == entity(store, "location", "suffolk-intel", "B1")
    assert entity(store, "location", "suffolk-crime", "A1") != entity(store, "location", "dorset-crime", "C1")
    # with a town, the same address is one place whichever force recorded it
    assert entity(store, "location", "dorset-custody", "D1") == entity(store, "location", "suffolk-custody", "E1")
