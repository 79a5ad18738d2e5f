"""Whole-load behaviour: unreadable files, reloads, Parquet, BOM, broken CSV rows, normalisation."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from tests.conftest import write_source

from toex.errors import IngestError, SourceSpecError, UnreadableFileError
from toex.ingest import ingest, plan
from toex.ingest.pole import load_pole_source
from toex.store import Store

PERSON = {"ref": "P1", "forenames": "Ionuț", "surname": "Popescu", "dob": "2009-07-03", "sex": "M"}
EVENT = {"ref": "E1", "kind": "offence", "occurred_from": "2024-03-09", "force": "suffolk", "offence_code": "46"}
LINK = {"from_ref": "P1", "to_ref": "E1", "role": "suspect"}


def snapshot(store: Store) -> dict[str, int]:
    tables = ("persons", "locations", "objects", "organisations", "events", "links", "quarantine", "sources")
    return {t: int(store.scalar(f"SELECT count(*) FROM {t}")) for t in tables}


def test_reloading_a_source_replaces_it(tmp_path: Path, store: Store) -> None:
    folder = write_source(tmp_path, persons=[PERSON], events=[EVENT, {**EVENT, "ref": "E2", "force": "mars"}], links=[LINK])
    load_pole_source(store, folder)
    first = snapshot(store)
    load_pole_source(store, folder)
    assert snapshot(store) == first == {"persons": 1, "locations": 0, "objects": 0, "organisations": 0,
                                        "events": 1, "links": 1, "quarantine": 1, "sources": 1}
    assert store.scalar("SELECT count(*) FROM loads WHERE status = 'loaded'") == 2


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty file: no header row"),
        (b"ref,forenames\nP1,\xe9\xff\xfe\n", "not UTF-8 text"),
        (b"\x00\x01\x02binary\x00", "not a CSV text file"),
        (b"forenames,surname\nAnn,Smith\n", "missing required column(s) ref"),
        (b"ref,ref\nP1,P2\n", "header repeats column(s) ref"),
    ],
)
def test_unreadable_file_fails_the_source_and_leaves_the_store_unchanged(
    tmp_path: Path, store: Store, content: bytes, reason: str
) -> None:
    good = write_source(tmp_path / "v1", persons=[PERSON], events=[EVENT], links=[LINK])
    load_pole_source(store, good)
    before = snapshot(store)
    bad = write_source(tmp_path / "v2", persons=[PERSON], events=[EVENT], links=[LINK])
    (bad / "persons.csv").write_bytes(content)
    with pytest.raises(UnreadableFileError) as info:
        load_pole_source(store, bad)
    assert "persons.csv" in str(info.value) and reason in str(info.value)
    assert snapshot(store) == before
    assert store.scalar("SELECT status FROM loads ORDER BY finished_at DESC LIMIT 1") == "failed"


def test_invalid_source_yaml_names_the_field(tmp_path: Path, store: Store) -> None:
    folder = write_source(tmp_path, source_id="x", owner="atlantis", persons=[PERSON])
    with pytest.raises(SourceSpecError, match=r"source.yaml: owner: owner 'atlantis' is not a force id"):
        load_pole_source(store, folder)


def test_broken_csv_rows_are_quarantined_with_their_line(tmp_path: Path, store: Store) -> None:
    folder = write_source(tmp_path, events=[EVENT])
    (folder / "persons.csv").write_text(
        'ref,forenames,surname\nP1,"Ann\nMarie",Smith\nP2,Bob,Jones,extra\nP3,Carl,Brown\nP4,Dee\n', encoding="utf-8"
    )
    load_pole_source(store, folder)
    assert store.fetchall("SELECT ref, line FROM persons ORDER BY line") == [("P1", 2), ("P3", 4)]
    rows = store.fetchall("SELECT line, reason FROM quarantine ORDER BY line")
    assert [r[0] for r in rows] == [3, 5]
    assert "too many columns" in rows[0][1] and "missing columns" in rows[1][1]


def test_bom_and_any_column_order_and_extra_columns(tmp_path: Path, store: Store) -> None:
    folder = write_source(tmp_path)
    (folder / "persons.csv").write_bytes("\ufeffsurname,ref,shoe_size,forenames\nPopescu,P1,5,Ionuț\n".encode())
    load_pole_source(store, folder)
    assert store.fetchall("SELECT ref, forenames, forenames_norm, surname_norm, attributes FROM persons") == [
        ("P1", "Ionuț", "ionut", "popescu", '{"shoe_size":"5"}')
    ]


def test_parquet_files_load_like_csv(tmp_path: Path, store: Store) -> None:
    folder = write_source(tmp_path)
    pd.DataFrame([PERSON]).to_parquet(folder / "persons.parquet")
    pd.DataFrame([EVENT]).to_parquet(folder / "events.parquet")
    pd.DataFrame([LINK]).to_parquet(folder / "links.parquet")
    result = load_pole_source(store, folder)
    assert result.counts == {"persons": 1, "locations": 0, "objects": 0, "organisations": 0, "events": 1, "links": 1}


def test_both_csv_and_parquet_is_refused(tmp_path: Path, store: Store) -> None:
    folder = write_source(tmp_path, persons=[PERSON])
    pd.DataFrame([PERSON]).to_parquet(folder / "persons.parquet")
    with pytest.raises(UnreadableFileError, match="both persons.csv and persons.parquet"):
        load_pole_source(store, folder)


def test_normalisation_keeps_raw_beside_normalised(tmp_path: Path, store: Store) -> None:
    folder = write_source(
        tmp_path,
        locations=[{"ref": "L1", "address": "Flat 2, 14 High St", "postcode": "ip11aa"},
                   {"ref": "L2", "address": "1 Road", "postcode": "NOT A PC"}],
        objects=[{"ref": "O1", "kind": "phone", "value": "07700 900123"},
                 {"ref": "O2", "kind": "phone", "value": "447700900123"},
                 {"ref": "O3", "kind": "phone", "value": "+44 (0)7700 900123"},
                 {"ref": "O4", "kind": "phone", "value": "+33 1 42 68 53 00"},
                 {"ref": "O5", "kind": "vehicle", "value": "ab12 cde"},
                 {"ref": "O6", "kind": "bank-account", "value": "20-00-00 12345678"},
                 {"ref": "O7", "kind": "document", "value": " ab 12-34 56 c"}],
        events=[{**EVENT, "occurred_from": "2024-07-01T10:00:00+01:00"}],
    )
    load_pole_source(store, folder)
    assert store.fetchall("SELECT postcode_raw, postcode FROM locations ORDER BY ref") == [
        ("ip11aa", "IP1 1AA"), ("NOT A PC", None)]
    assert [r[0] for r in store.fetchall("SELECT value FROM objects ORDER BY ref")] == [
        "+447700900123", "+447700900123", "+447700900123", "+33142685300", "AB12CDE", "200000-12345678", "AB123456C"]
    # an offset is converted to UK local time (BST in July: +01:00 is already local)
    assert str(store.scalar("SELECT occurred_from FROM events")) == "2024-07-01 10:00:00"


def test_plan_recognises_each_kind_of_path(tmp_path: Path) -> None:
    write_source(tmp_path / "dataset", source_id="a-crime")
    write_source(tmp_path / "dataset", source_id="b-crime")
    items = plan([tmp_path / "dataset", Path(__file__).parent.parent / "data" / "police-uk"])
    assert [(i.kind, i.path.name) for i in items] == [
        ("pole", "a-crime"), ("pole", "b-crime"), ("police-uk", "2017-07-west-yorkshire-street.csv")]
    with pytest.raises(IngestError, match="not recognised"):
        plan([tmp_path])


def test_one_failed_source_does_not_stop_the_others(tmp_path: Path, store: Store) -> None:
    write_source(tmp_path / "ds", source_id="a-crime", persons=[PERSON])
    bad = write_source(tmp_path / "ds", source_id="b-crime", persons=[PERSON])
    (bad / "persons.csv").write_bytes(b"")
    failures = []
    results = ingest(store, plan([tmp_path / "ds"]), on_done=lambda i, r, e: failures.append(e) if e else None)
    assert [r.source_id for r in results] == ["a-crime"]
    assert len(failures) == 1
