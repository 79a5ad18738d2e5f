"""Force exports in their own shapes, loaded through the two shipped example mappings."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from toex.errors import MappingError
from toex.ingest.mapped import load_mapped_export, strptime_format
from toex.store import Store

EXAMPLES = Path(__file__).parents[2] / "examples" / "force-exports"
KENT, GMP = EXAMPLES / "kent-crime", EXAMPLES / "gmp-custody"


def test_one_row_per_offence_with_suspect_columns(store: Store) -> None:
    result = load_mapped_export(store, KENT, KENT / "mapping.yaml")
    assert result.source_id == "kent-crime-export"
    # 6 offences, one with 31/02/2024 refused; its suspect link refused with it
    assert store.scalar("SELECT count(*) FROM events") == 5
    assert store.fetchall("SELECT line, reason FROM quarantine ORDER BY reason") == [
        (6, "to_ref '46/2544/24' refers to a quarantined row"),
        (6, "unparseable date '31/02/2024' in occurred_from"),
    ]
    # names split from "SURNAME, Forenames"; dd/mm/yyyy dates; code tables for offences and sex
    assert store.fetchall(
        "SELECT forenames, surname, dob, sex FROM persons WHERE ref = '46/1187/24/S2'"
    )[0][:2] == ("Maria", "STAN")
    assert str(store.scalar("SELECT dob FROM persons WHERE ref = '46/1187/24/S2'")) == "2011-05-01"
    assert store.scalar("SELECT sex FROM persons WHERE ref = '46/1187/24/S2'") == "F"
    assert dict(store.fetchall("SELECT ref, offence_code FROM events")) == {
        "46/1021/24": "46", "46/1187/24": "46", "46/2290/24": "28E", "46/2301/24": "34B", "46/2600/24": "46"}
    # three suspects on one row -> three person records and three suspect links
    assert store.scalar("SELECT count(*) FROM links WHERE to_ref = '46/1187/24' AND role = 'suspect'") == 3
    # latin-1 text decoded
    assert store.scalar("SELECT forenames FROM persons WHERE surname = 'OKONKWO'") == "Zoë"
    assert store.scalar("SELECT address FROM locations WHERE ref = 'LOC/46/1021/24'") == "12 High Street"


def test_person_centric_export_with_repeated_people(store: Store) -> None:
    load_mapped_export(store, GMP, GMP / "mapping.yaml")
    # the same nominal on two rows becomes one person record (distinct: true)
    assert store.scalar("SELECT count(*) FROM persons WHERE ref = 'NOM-884213'") == 1
    assert store.fetchall("SELECT forenames, surname, dob FROM persons WHERE ref = 'NOM-884213'")[0][:2] == (
        "Kyle James", "Bennett")
    assert str(store.scalar("SELECT occurred_from FROM events WHERE ref = 'MC/24/000412'")) == "2024-01-14 16:20:00"
    assert store.fetchall("SELECT value FROM objects ORDER BY ref") == [("+447700900412",), ("+447700900977",)]
    assert store.scalar("SELECT count(*) FROM links WHERE role = 'subject'") == 4
    reasons = [r[0] for r in store.fetchall("SELECT reason FROM quarantine ORDER BY reason")]
    assert "unparseable date of birth '19951301'" in reasons


def test_reload_replaces(store: Store) -> None:
    load_mapped_export(store, KENT, KENT / "mapping.yaml")
    load_mapped_export(store, KENT, KENT / "mapping.yaml")
    assert store.scalar("SELECT count(*) FROM events") == 5
    assert store.scalar("SELECT count(*) FROM quarantine") == 2


def test_a_column_missing_from_the_export_is_named(tmp_path: Path, store: Store) -> None:
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text((KENT / "mapping.yaml").read_text(encoding="utf-8").replace("MO Summary", "Modus Operandi"),
                       encoding="utf-8")
    shutil.copy(KENT / "crimes-2024-q1.csv", tmp_path / "crimes.csv")
    with pytest.raises(MappingError, match="column 'Modus Operandi' is not in crimes.csv"):
        load_mapped_export(store, tmp_path, mapping)
    assert store.scalar("SELECT count(*) FROM events") == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("source: {id: x}\nrecords: {suspects: []}\n", "records.suspects: not a POLE file"),
        ("source: {id: x}\nrecords:\n  events:\n    - kind: {value: offence}\n", "missing ref"),
        ("source: {id: x}\nrecords:\n  events:\n    - ref: {column: a, value: b}\n", "exactly one of"),
        ("source: {id: x}\nrecords:\n  events:\n    - ref: A\n      colour: B\n", "colour: not a column of events"),
        ("source: [unclosed\n", "not valid YAML"),
    ],
)
def test_invalid_mappings_are_explained(tmp_path: Path, store: Store, text: str, message: str) -> None:
    mapping = tmp_path / "m.yaml"
    mapping.write_text(text, encoding="utf-8")
    with pytest.raises(MappingError, match=message):
        load_mapped_export(store, KENT, mapping)


def test_date_patterns() -> None:
    assert strptime_format("dd/mm/yyyy") == "%d/%m/%Y"
    assert strptime_format("yyyy-mm-dd HH:MM") == "%Y-%m-%d %H:%M"
    assert strptime_format("%d.%m.%y") == "%d.%m.%y"
