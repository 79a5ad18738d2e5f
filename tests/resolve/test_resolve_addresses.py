"""Home addresses with no (UK) postcode as evidence: ingest keeps them, features key them, the address
comparison and a blocking rule read them (hand-written hard cases, no model needed)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import write_source
from tests.resolve.conftest import person

from toex.ingest import ingest, plan
from toex.resolve import features
from toex.resolve.comparisons import address, gamma_sql, label_sql
from toex.resolve.config import DEFAULT_BLOCKING
from toex.store import Store
from toex.store.reference_tables import refresh_reference_tables

#: (person ref, forenames, surname, address, town, postcode) of one home each; the person is linked 'resides-at'.
HOMES = [
    # one person: a crime record with a postcode, an intelligence report with none
    ("kp-crime", "Kacper", "Nowak", "Flat 2, 14 High Street", "Ipswich", "IP1 1AA"),
    ("kp-intel", "Kacper", "Nowak", "14 HIGH ST", "IPSWICH", ""),
    # one person abroad: the postcode is not a UK one on either record
    ("au-1", "Michaela", "Neumann", "8 Stanley Street Miami", "Winston Hills", "4223"),
    ("au-2", "Michaela", "Neuman", "8 stanley st miami", "winston hills", "4223"),
    # two people in one street, different house numbers, no postcode
    ("st-12", "Adam", "Clarke", "12 High Street", "Ipswich", ""),
    ("st-16", "Adam", "Clarke", "16 High Street", "Ipswich", ""),
    # the same number and street but no town on either: too common to count
    ("nt-1", "Lee", "Evans", "4 Queen Rd", "", ""),
    ("nt-2", "Lee", "Evans", "4 Queen Road", "", ""),
    # the same street address with two different postcodes: two High Streets of one city
    ("pc-1", "Tom", "Hill", "12 High Street", "London", "E1 6AN"),
    ("pc-2", "Tom", "Hill", "12 High Street", "London", "SE20 7AA"),
    # the same number and town, another street
    ("os-1", "Ana", "Popa", "3 Orchard Street", "Bristol", ""),
    ("os-2", "Ana", "Popa", "3 Mill Street", "Bristol", ""),
    # one postcode abroad (Romania), two house numbers
    ("ro-1", "Ion", "Popescu", "12 Strada Lunga", "Brasov", "500 035"),
    ("ro-2", "Ion", "Popescu", "40 Strada Lunga", "Brasov", "500035"),
    # 'not known' and 'no fixed abode' are not postcodes anywhere
    ("nk-1", "Dan", "Moss", "5 Elm Road", "Leeds", "N/K"),
    ("nk-2", "Dan", "Moss", "9 Oak Road", "York", "NFA"),
]


@pytest.fixture
def homes(store: Store, tmp_path: Path) -> Store:
    """Each record of :data:`HOMES` in a source of its own kind, ingested through the POLE format."""
    rows: dict[str, list[tuple[str, str, str, str, str, str]]] = {"crime": [], "intelligence": []}
    for row in HOMES:
        rows["intelligence" if row[0].endswith(("intel", "2")) else "crime"].append(row)
    folders = []
    for kind, chosen in rows.items():
        folders.append(write_source(
            tmp_path, f"suffolk-{kind}", kind=kind,
            persons=[person(ref, fore, sur) for ref, fore, sur, *_ in chosen],
            locations=[{"ref": f"L-{ref}", "address": addr, "town": town, "postcode": pc}
                       for ref, _, _, addr, town, pc in chosen],
            links=[{"from_ref": ref, "to_ref": f"L-{ref}", "role": "resides-at"} for ref, *_ in chosen]))
    ingest(store, plan(folders))
    features.build_features(store)
    return store


def level(store: Store, a: str, b: str) -> str:
    """The address comparison's label for two person records."""
    comparison = address()
    return str(store.fetchall(
        f"SELECT {label_sql(comparison, gamma_sql(comparison))} FROM person_features l, person_features r "
        "WHERE l.ref = ? AND r.ref = ?", [a, b])[0][0])


def test_an_address_abroad_is_kept_with_its_raw_postcode(homes: Store) -> None:
    got = homes.fetchall("SELECT address, town, postcode_raw, postcode FROM locations WHERE ref = 'L-au-1'")
    assert got == [("8 Stanley Street Miami", "Winston Hills", "4223", None)]
    got = homes.fetchall("SELECT streets, postcodes, postcodes_abroad, buildings FROM person_features WHERE ref = 'au-1'")
    assert got == [(["8|stanley|winstonhills"], [], ["4223"], ["4223|8"])]


def test_same_person_with_the_address_typed_without_postcode(homes: Store) -> None:
    assert level(homes, "kp-crime", "kp-intel") == "same street address (number, street, town), no postcode to compare"


def test_the_same_building_abroad(homes: Store) -> None:
    assert level(homes, "au-1", "au-2") == "same building"


def test_the_same_postcode_abroad_is_its_own_level(homes: Store) -> None:
    got = homes.fetchall("SELECT postcodes_abroad FROM person_features WHERE ref IN ('ro-1', 'ro-2')")
    assert got == [(["500035"],), (["500035"],)]
    assert level(homes, "ro-1", "ro-2") == "same postcode abroad (not a UK postcode)"


def test_not_known_and_no_fixed_abode_are_not_postcodes(homes: Store) -> None:
    got = homes.fetchall("SELECT postcodes_abroad, buildings FROM person_features WHERE ref IN ('nk-1', 'nk-2')")
    assert got == [([], []), ([], [])]
    assert level(homes, "nk-1", "nk-2") == "no address shared"


def test_the_same_building_with_postcodes_stays_the_stronger_level(homes: Store) -> None:
    assert level(homes, "kp-crime", "kp-crime") == "same building"


def test_different_house_numbers_in_one_street_share_no_address(homes: Store) -> None:
    assert level(homes, "st-12", "st-16") == "no address shared"
    assert level(homes, "os-1", "os-2") == "no address shared"


def test_one_street_name_under_two_postcodes_is_two_streets(homes: Store) -> None:
    assert level(homes, "pc-1", "pc-2") == "no address shared"


def test_an_address_with_no_postcode_nor_town_is_no_evidence(homes: Store) -> None:
    assert homes.fetchall("SELECT streets FROM person_features WHERE ref = 'nt-1'")[0][0] == []
    assert level(homes, "nt-1", "nt-2") == "no data"


def test_a_street_address_is_a_blocking_key(homes: Store) -> None:
    rule = next(rule for rule in DEFAULT_BLOCKING if "st1" in rule)
    features.build_match_table(homes)
    pairs = homes.fetchall(f"""SELECT l.ref, r.ref FROM {features.MATCH} l JOIN {features.MATCH} r
                               ON ({rule}) AND l.ref < r.ref ORDER BY 1""")
    assert pairs == [("au-1", "au-2"), ("kp-crime", "kp-intel")]


@pytest.fixture
def events(store: Store, tmp_path: Path) -> Store:
    """A crime record naming a suspect of a burglary at an address, and an intelligence report giving the same
    person's home there; a neighbour's home two doors away; a witness with no home on record."""
    refresh_reference_tables(store)  # the force ids events are checked against
    crime = write_source(
        tmp_path, "suffolk-crime",
        persons=[person("sus", "Kacper", "Nowak"), person("wit", "Jan", "Kowal")],
        locations=[{"ref": "L1", "address": "14 High Street", "town": "Ipswich", "postcode": "IP1 1AA"},
                   {"ref": "L2", "address": "Rear yard, 14 High St", "town": "Ipswich"}],
        events=[{"ref": "E1", "kind": "offence", "occurred_from": "2025-01-02", "force": "suffolk",
                 "location_ref": "L1", "offence_code": "28"},
                {"ref": "E2", "kind": "offence", "occurred_from": "2025-02-02", "force": "suffolk",
                 "offence_code": "46"}],
        links=[{"from_ref": "sus", "to_ref": "E1", "role": "suspect"},
               {"from_ref": "wit", "to_ref": "E2", "role": "witness"},
               {"from_ref": "E2", "to_ref": "L2", "role": "at"}])
    intel = write_source(
        tmp_path, "suffolk-intel", kind="intelligence",
        persons=[person("home", "Kacper", "Nowak"), person("next", "Kacper", "Nowak")],
        locations=[{"ref": "H1", "address": "14 HIGH ST", "town": "IPSWICH"},
                   {"ref": "H2", "address": "16 High Street", "town": "Ipswich", "postcode": "IP1 1AA"}],
        links=[{"from_ref": "home", "to_ref": "H1", "role": "resides-at"},
               {"from_ref": "next", "to_ref": "H2", "role": "resides-at"}])
    ingest(store, plan([crime, intel]))
    features.build_features(store)
    return store


def test_a_home_where_the_other_records_event_happened(events: Store) -> None:
    assert level(events, "sus", "home") == "the home of one is where an event of the other happened"
    assert level(events, "home", "sus") == "the home of one is where an event of the other happened"
    # a further location of an event ('at'), with no postcode
    assert level(events, "wit", "home") == "the home of one is where an event of the other happened"


def test_an_event_two_doors_away_is_no_evidence(events: Store) -> None:
    """Most events happen away from the people's homes: an event elsewhere neither links nor separates."""
    assert level(events, "sus", "next") == "no data"
    assert level(events, "home", "next") == "no address shared"


def test_two_event_places_alone_are_no_data(events: Store) -> None:
    assert level(events, "sus", "wit") == "no data"


def test_explain_shows_the_street_addresses_and_event_places_compared(events: Store) -> None:
    from toex.resolve.explain import _levels
    from toex.resolve.review import RecordRef

    levels, *_ = _levels(events, RecordRef("suffolk-crime", "sus"), RecordRef("suffolk-intel", "home"))
    label, left, right = levels["address"]
    assert label == "the home of one is where an event of the other happened"
    assert "(events at:" in left and "14|high|ipswich" in left  # the suspect's event place, as keyed
    assert right == "14|high|ipswich"  # the intelligence report's home: a street address, no postcode


def _proposed(store: Store, rules: list[str]) -> list[tuple[str, str]]:
    """The record pairs (by ref) any of ``rules`` proposes."""
    features.build_match_table(store)
    return [tuple(row) for row in store.fetchall(  # type: ignore[misc]
        f"SELECT DISTINCT l.ref, r.ref FROM {features.MATCH} l JOIN {features.MATCH} r "
        f"ON ({' OR '.join(f'({rule})' for rule in rules)}) AND l.ref < r.ref ORDER BY 1, 2")]


def test_a_home_postcode_with_the_surname_is_a_blocking_key(homes: Store) -> None:
    rules = [rule for rule in DEFAULT_BLOCKING if "pc1" in rule and "sn_key" in rule]
    # one postcode abroad and one surname, house numbers apart (a wrong number, or another flat); the UK homes share
    # no postcode, and no two records in one postcode abroad spell the surname alike otherwise
    assert _proposed(homes, rules) == [("ro-1", "ro-2")]


def test_a_home_postcode_with_the_date_of_birth_catches_both_names_mistyped(store: Store, tmp_path: Path) -> None:
    # both names mistyped and swapped, the house number transposed: only the postcode and the date of birth agree
    rows = [("gl-1", "Gabrielle", "Langer", "562 Delegate Street", "IP4 2AB"),
            ("gl-2", "Laznger", "Gabrielle", "526 Delegate Street", "IP4 2AB"),
            ("other", "Gabrielle", "Langer", "7 Mill Lane", "IP4 2AB")]  # the same name, born another day
    ingest(store, plan([write_source(
        tmp_path, "suffolk-crime",
        persons=[person(ref, fore, sur, "1980-08-10" if ref != "other" else "1981-02-03") for ref, fore, sur, *_ in rows],
        locations=[{"ref": f"L-{ref}", "address": addr, "town": "Ipswich", "postcode": pc} for ref, _, _, addr, pc in rows],
        links=[{"from_ref": ref, "to_ref": f"L-{ref}", "role": "resides-at"} for ref, *_ in rows])]))
    features.build_features(store)
    rule = next(rule for rule in DEFAULT_BLOCKING if "pc1" in rule and "l.dob = r.dob" in rule)
    assert _proposed(store, [rule]) == [("gl-1", "gl-2")]
    assert ("gl-1", "gl-2") not in _proposed(store, [r for r in DEFAULT_BLOCKING if "pc1" not in r])
