"""Where a network operates (docs/tasking.md): the places of its exploitation activity, not every place
a member has been recorded."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.graph.scenes import CHILDREN, ORGANISERS, case_study
from tests.graph.world import World, new_store

from toex.detect.networks import location_forces_sql
from toex.detect.run import analyse
from toex.store import Store


@pytest.fixture(scope="module")
def geography() -> Iterator[tuple[list[str], list[str]]]:
    store = new_store()
    w = World(store)
    case_study(w)  # Met-based adults, children shoplifting in Suffolk, Dorset, South Wales and Kent
    # two children were also found at a hotel in Essex: a link, not an event, so no Essex record
    hotel = w.location("L-0000HT", "Station Hotel, Chelmsford", "essex", kind="hotel")
    store.execute("UPDATE location_entities SET postcode = 'CM1 1AE' WHERE entity_id = ?", [hotel])
    for c in CHILDREN[:2]:
        w.link(c, hotel, "found-at", "2024-03-20")
    # an organiser's burglary in Cumbria, alone: a record of his, not the network's activity
    w.offence("burg1", "2024-02-02", "cumbria", [ORGANISERS[0]], code="28E", category="burglary")
    # an exploited child as the victim of an ordinary theft in Norfolk, alone: not the network's activity
    w.offence("theft1", "2024-03-03", "norfolk", [], code="49", category="other-theft", victims=(CHILDREN[3],))
    # the other organiser alone as suspect in a modern slavery offence in the West Midlands: exploitation
    w.offence("ms1", "2024-04-04", "west-midlands", [ORGANISERS[1]], code="106", category="violent-crime")
    analyse(store)
    rows = store.fetchall("SELECT forces, regions FROM networks")
    store.close()
    assert len(rows) == 1
    yield list(rows[0][0]), list(rows[0][1])


def test_places_where_exploited_children_are_found_count(geography: tuple[list[str], list[str]]) -> None:
    forces, regions = geography
    assert "essex" in forces


def test_a_members_other_record_in_a_far_force_does_not(geography: tuple[list[str], list[str]]) -> None:
    forces, regions = geography
    assert "cumbria" not in forces and "nwrocu" not in regions
    assert "norfolk" not in forces  # the child's theft as victim


def test_records_of_exploited_members_and_exploitation_offences_count(geography: tuple[list[str], list[str]]) -> None:
    forces, _ = geography
    assert forces == sorted(["metropolitan", "suffolk", "dorset", "south-wales", "kent", "essex", "west-midlands"])


@pytest.fixture
def store() -> Iterator[Store]:
    handle = new_store()
    World(handle)  # creates the resolve tables
    yield handle
    handle.close()


def test_a_location_s_force_comes_from_its_postcode_else_its_district(store: Store) -> None:
    rows = [("L-1", "CM1 1AE"),   # a postcode in the reference table: Essex
            ("L-2", "NR1 9ZZ"),   # not in the table: its district, NR1, is Norfolk's
            ("L-3", "ZZ9 9ZZ"),   # unknown: no force
            ("L-4", None)]
    for eid, postcode in rows:
        store.execute("INSERT INTO location_entities (entity_id, postcode) VALUES (?, ?)", [eid, postcode])
    store.execute("CREATE TEMP TABLE wanted AS SELECT entity_id AS location FROM location_entities")
    got = dict(store.fetchall(f"SELECT location, force FROM ({location_forces_sql('wanted')}) ORDER BY 1"))
    assert got == {"L-1": "essex", "L-2": "norfolk"}
