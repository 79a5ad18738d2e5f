"""Ingest parity: the same sources loaded on DuckDB and on Spark give the same tables, row for row.

The dataset covers every path of ingest: POLE sources in CSV and Parquet with
valid rows, rule breaks (quarantine), rows the CSV parser cannot split
(rejects), extra columns (attributes), accents, partial dates of birth,
date-times with UTC offsets, phone numbers for the ``phonenumbers`` slow path;
a data.police.uk street file; and a force export through its mapping.
Compared: every canonical table and the quarantine, all columns but the load
id (a timestamp and a random suffix), sorted; and the load history's counts.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from tests.conftest import write_source
from tests.engine.conftest import ENGINES, EngineFactory

from toex.engine import Engine
from toex.ingest import ingest, plan

ROOT = Path(__file__).parents[2]
POLICE_UK = ROOT / "tests" / "data" / "police-uk" / "2017-07-west-yorkshire-street.csv"
KENT = ROOT / "examples" / "force-exports" / "kent-crime"
TABLES = ("persons", "locations", "objects", "organisations", "events", "links", "quarantine")
#: Rows of the data.police.uk file kept for the parity run (the file has 28k; Spark's speed is not the point).
POLICE_UK_ROWS = 400


def _dataset(root: Path) -> list[Path]:
    persons = [
        {"ref": "P1", "forenames": "Ionuț", "surname": "Popescu", "dob": "2009-07-03", "sex": "m", "shoe": "5"},
        {"ref": "P2", "forenames": "Siobhán", "surname": "O'Neill", "dob": "1990-04", "sex": "F", "shoe": ""},
        {"ref": "P3", "forenames": "Ann", "surname": "Smith", "dob": "1985", "sex": "Q", "shoe": "7"},
        {"ref": "P1", "forenames": "Dup", "surname": "Licate", "dob": "", "sex": "", "shoe": ""},
        {"ref": "P4", "forenames": "Zoë", "surname": "Brontë", "dob": "2031-13-01", "sex": "F", "shoe": ""},
    ]
    events = [
        {"ref": "E1", "kind": "offence", "occurred_from": "2024-07-09T14:05:00+01:00", "force": "suffolk",
         "offence_code": "46", "grading": "1b p", "location_ref": "L1"},
        {"ref": "E2", "kind": "missing-episode", "occurred_from": "2024-01-09 08:00", "force": "norfolk",
         "offence_code": "", "grading": "", "location_ref": ""},
        {"ref": "E3", "kind": "party", "occurred_from": "2024-01-09", "force": "suffolk",
         "offence_code": "", "grading": "", "location_ref": ""},
        {"ref": "E4", "kind": "offence", "occurred_from": "09/01/2024", "force": "atlantis",
         "offence_code": "", "grading": "9Z", "location_ref": "L9"},
    ]
    locations = [
        {"ref": "L1", "address": "1 High St", "town": "Ipswich", "postcode": "ip11aa", "latitude": "52.05",
         "longitude": "1.15", "kind": "residential"},
        {"ref": "L2", "address": "Flat 2", "town": "Ipswich", "postcode": "nonsense", "latitude": "95",
         "longitude": "", "kind": "castle"},
    ]
    objects = [
        {"ref": "T1", "kind": "phone", "value": "07700 900123"},
        {"ref": "T2", "kind": "phone", "value": "+33 1 42 68 53 00"},
        {"ref": "T3", "kind": "vehicle", "value": "ab12 cde"},
        {"ref": "T4", "kind": "bank-account", "value": "12-34-56 12345678"},
        {"ref": "T5", "kind": "spaceship", "value": "x"},
    ]
    links = [
        {"from_ref": "P1", "to_ref": "E1", "role": "suspect", "since": "2024-01-01"},
        {"from_ref": "P2", "to_ref": "L1", "role": "resides-at", "since": "2024-02-30"},
        {"from_ref": "P1", "to_ref": "T1", "role": "uses", "since": ""},
        {"from_ref": "P3", "to_ref": "E1", "role": "mastermind", "since": ""},
        {"from_ref": "E1", "to_ref": "P1", "role": "suspect", "since": ""},
    ]
    first = write_source(root, "suffolk-crime", "suffolk", persons=persons, events=events,
                         locations=locations, objects=objects, links=links)
    with (first / "organisations.csv").open("w", encoding="utf-8") as handle:  # rows the parser cannot split
        handle.write('ref,name,company_number,kind\nO1,"Acme\nLtd",01234567,company\nO2,Bad,Row,company,extra\n'
                     "O3,Short\nO4,Fine Ltd,7654321,charity\n")
    second = write_source(root, "norfolk-intel", "norfolk", "intelligence",
                          events=[{"ref": "E1", "kind": "intelligence", "occurred_from": "2024-03-31T00:30:00Z",
                                   "force": "norfolk", "grading": "2C C"}])
    pd.DataFrame(persons[:3]).to_parquet(second / "persons.parquet")
    police = root / "police-uk" / POLICE_UK.name
    police.parent.mkdir()
    with POLICE_UK.open(encoding="utf-8") as src, police.open("w", encoding="utf-8") as out:
        for i, line in enumerate(src):
            if i > POLICE_UK_ROWS:
                break
            out.write(line)
    return [first, second, police]


def _snapshot(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    out = {}
    for table in TABLES:
        columns = [c for c in engine.columns(table) if c != "load_id"]
        out[table] = sorted(engine.fetchall(f"SELECT {', '.join(columns)} FROM {table}"), key=repr)
    out["loads"] = sorted(engine.fetchall(
        "SELECT source_id, format, status, rows_loaded, rows_quarantined FROM loads"))
    out["sources"] = sorted(engine.fetchall("SELECT source_id, name, owner, kind, extracted FROM sources"))
    return out


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    root = tmp_path_factory.mktemp("parity-data")
    paths = _dataset(root)
    kent = root / "kent"
    shutil.copytree(KENT, kent)
    return [*paths, kent]


@pytest.fixture(scope="module")
def loaded(dataset: list[Path], make_engine: EngineFactory,
           tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, list[tuple[object, ...]]]]:
    """Both engines' tables after the same loads (DuckDB first: it is the reference)."""
    snapshots = {}
    for param in ENGINES:
        name = str(param.values[0])
        if name == "spark":
            pytest.importorskip("pyspark", reason="the Spark engine needs pip install 'toex[spark]'")
        engine = make_engine(name, tmp_path_factory.mktemp(f"parity-{name}"))
        try:
            items = plan(dataset[:3])
            items += plan([dataset[3]], mapping=dataset[3] / "mapping.yaml")
            results = ingest(engine, items)
            assert [r.status for r in results] == ["loaded"] * len(items), f"{name}: a load failed"
            snapshots[name] = _snapshot(engine)
        finally:
            engine.close()
    return snapshots


pytestmark = [pytest.mark.spark, pytest.mark.xdist_group("spark")]


@pytest.mark.parametrize("table", [*TABLES, "loads", "sources"])
def test_same_rows_on_both_engines(loaded: dict[str, dict[str, list[tuple[object, ...]]]], table: str) -> None:
    duck, spark = loaded["duckdb"][table], loaded["spark"][table]
    assert duck, f"{table}: the dataset should put rows in every table"
    assert spark == duck


def test_the_dataset_exercises_quarantine_and_rejects(loaded: dict[str, dict[str, list[tuple[object, ...]]]]) -> None:
    reasons = " | ".join(str(row[3]) for row in loaded["duckdb"]["quarantine"])
    for expected in ("too many columns", "missing columns", "duplicate ref", "unknown sex", "unknown role",
                     "unparseable date", "unknown location kind", "unknown object kind", "unknown event kind",
                     "refers to a quarantined row"):
        assert expected in reasons
