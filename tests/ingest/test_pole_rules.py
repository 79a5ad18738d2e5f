"""One test per bad-input rule of pole-exchange.md: the row is quarantined with its reason."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import write_source

from toex.ingest.pole import load_pole_source
from toex.store import Store

PERSON = {"ref": "P1", "forenames": "Ionut", "surname": "Popescu", "dob": "2009-07-03", "sex": "M"}
EVENT = {"ref": "E1", "kind": "offence", "occurred_from": "2024-03-09T14:05:00", "force": "suffolk", "offence_code": "46"}


def quarantined(store: Store) -> list[tuple[str, int, str]]:
    return [(f, int(line), r) for f, line, r in store.fetchall("SELECT file, line, reason FROM quarantine ORDER BY file, line")]


def test_missing_ref(tmp_path: Path, store: Store) -> None:
    folder = write_source(tmp_path, persons=[PERSON, {**PERSON, "ref": ""}])
    result = load_pole_source(store, folder)
    assert quarantined(store) == [("persons.csv", 3, "missing ref")]
    assert result.counts["persons"] == 1


def test_duplicate_ref_across_files(tmp_path: Path, store: Store) -> None:
    folder = write_source(tmp_path, persons=[PERSON], events=[{**EVENT, "ref": "P1"}])
    load_pole_source(store, folder)
    assert quarantined(store) == [("events.csv", 2, "duplicate ref 'P1' (first at persons.csv line 2)")]
    assert store.scalar("SELECT count(*) FROM persons") == 1


def test_unknown_role(tmp_path: Path, store: Store) -> None:
    folder = write_source(tmp_path, persons=[PERSON], events=[EVENT],
                          links=[{"from_ref": "P1", "to_ref": "E1", "role": "suspect"},
                                 {"from_ref": "P1", "to_ref": "E1", "role": "mastermind"}])
    load_pole_source(store, folder)
    assert quarantined(store) == [("links.csv", 3, "unknown role 'mastermind'")]
    assert store.scalar("SELECT role FROM links") == "suspect"


def test_role_between_wrong_kinds(tmp_path: Path, store: Store) -> None:
    folder = write_source(tmp_path, persons=[PERSON], events=[EVENT],
                          links=[{"from_ref": "E1", "to_ref": "P1", "role": "suspect"}])
    load_pole_source(store, folder)
    assert quarantined(store) == [
        ("links.csv", 2, "role 'suspect' links a person to an event, not an event to a person")
    ]


def test_link_to_a_ref_that_does_not_exist(tmp_path: Path, store: Store) -> None:
    folder = write_source(tmp_path, persons=[PERSON], events=[EVENT],
                          links=[{"from_ref": "P1", "to_ref": "E404", "role": "suspect"},
                                 {"from_ref": "P9", "to_ref": "E1", "role": "victim"}])
    load_pole_source(store, folder)
    assert quarantined(store) == [
        ("links.csv", 2, "to_ref 'E404' is not a ref in this source"),
        ("links.csv", 3, "from_ref 'P9' is not a ref in this source"),
    ]


def test_event_location_ref_that_does_not_exist(tmp_path: Path, store: Store) -> None:
    folder = write_source(tmp_path, events=[{**EVENT, "location_ref": "L9"}])
    load_pole_source(store, folder)
    assert quarantined(store) == [("events.csv", 2, "location_ref 'L9' is not a location in this source")]


def test_link_to_a_quarantined_row_is_quarantined_too(tmp_path: Path, store: Store) -> None:
    folder = write_source(tmp_path, persons=[{**PERSON, "dob": "2009-13-45"}], events=[EVENT],
                          links=[{"from_ref": "P1", "to_ref": "E1", "role": "suspect"}])
    load_pole_source(store, folder)
    assert quarantined(store) == [
        ("links.csv", 2, "from_ref 'P1' refers to a quarantined row"),
        ("persons.csv", 2, "unparseable date of birth '2009-13-45'"),
    ]


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("occurred_from", "2024-02-30", "unparseable date '2024-02-30' in occurred_from"),
        ("occurred_from", "09/03/2024", "unparseable date '09/03/2024' in occurred_from"),
        ("occurred_to", "yesterday", "unparseable date 'yesterday' in occurred_to"),
        ("occurred_from", "0024-03-09", "unparseable date '0024-03-09' in occurred_from"),
    ],
)
def test_unparseable_event_date(tmp_path: Path, store: Store, column: str, value: str, reason: str) -> None:
    folder = write_source(tmp_path, events=[{**EVENT, column: value}])
    load_pole_source(store, folder)
    assert quarantined(store) == [("events.csv", 2, reason)]


@pytest.mark.parametrize("dob", ["2009-02-30", "July 2009", "09/07/2009", "2009-13"])
def test_unparseable_date_of_birth(tmp_path: Path, store: Store, dob: str) -> None:
    folder = write_source(tmp_path, persons=[{**PERSON, "dob": dob}])
    load_pole_source(store, folder)
    assert quarantined(store) == [("persons.csv", 2, f"unparseable date of birth '{dob}'")]


def test_unparseable_link_date(tmp_path: Path, store: Store) -> None:
    folder = write_source(tmp_path, persons=[PERSON], events=[EVENT],
                          links=[{"from_ref": "P1", "to_ref": "E1", "role": "suspect", "since": "2024/01/01"}])
    load_pole_source(store, folder)
    assert quarantined(store) == [("links.csv", 2, "unparseable date '2024/01/01' in since")]


def test_unknown_force_id(tmp_path: Path, store: Store) -> None:
    folder = write_source(tmp_path, events=[EVENT, {**EVENT, "ref": "E2", "force": "atlantis"}])
    load_pole_source(store, folder)
    assert quarantined(store) == [("events.csv", 3, "unknown force id 'atlantis'")]


def test_invalid_grading(tmp_path: Path, store: Store) -> None:
    intel = {"ref": "I1", "kind": "intelligence", "occurred_from": "2024-03-01", "grading": "1B P"}
    folder = write_source(tmp_path, events=[intel, {**intel, "ref": "I2", "grading": "5X Z"}])
    load_pole_source(store, folder)
    assert quarantined(store) == [("events.csv", 3, "invalid 3x5x2 grading '5X Z' (expected e.g. 1B P)")]
    assert store.fetchall("SELECT grade_source, grade_intel, handling FROM events") == [("1", "B", "P")]


def test_quarantine_keeps_the_raw_row(tmp_path: Path, store: Store) -> None:
    folder = write_source(tmp_path, events=[{**EVENT, "force": "atlantis", "custom": "kept"}])
    load_pole_source(store, folder)
    record = store.scalar("SELECT record FROM quarantine")
    assert '"force":"atlantis"' in record and '"custom":"kept"' in record


def test_partial_dates_of_birth_are_kept(tmp_path: Path, store: Store) -> None:
    folder = write_source(tmp_path, persons=[{**PERSON, "dob": "1990"}, {**PERSON, "ref": "P2", "dob": "1990-04"}])
    load_pole_source(store, folder)
    assert store.fetchall("SELECT ref, dob, dob_year, dob_month, dob_day FROM persons ORDER BY ref") == [
        ("P1", None, 1990, None, None),
        ("P2", None, 1990, 4, None),
    ]
