"""data.police.uk street-level CSVs, on a real West Yorkshire month (July 2017)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from tests.conftest import DATA

from toex.errors import UnreadableFileError
from toex.ingest.policeuk import load_policeuk_file
from toex.store import Store

REAL = DATA / "police-uk" / "2017-07-west-yorkshire-street.csv"


def test_real_west_yorkshire_month(store: Store) -> None:
    result = load_policeuk_file(store, REAL)
    data_rows = sum(1 for _ in REAL.open(encoding="utf-8")) - 1
    assert result.source_id == "policeuk-2017-07-west-yorkshire-street"
    assert result.counts["events"] + result.quarantined == data_rows
    assert result.quarantined == 0
    assert store.scalar("SELECT owner FROM sources") == "west-yorkshire"
    by_kind = dict(store.fetchall("SELECT kind, count(*) FROM events GROUP BY kind"))
    asb = store.scalar("SELECT count(*) FROM events WHERE category = 'anti-social-behaviour'")
    assert by_kind["other"] == asb > 0 and by_kind["offence"] > 0
    # ASB rows have no Crime ID: their refs come from month and line, and are unique
    assert store.scalar("SELECT count(DISTINCT ref) = count(*) FROM events")
    assert store.scalar("SELECT min(occurred_from) = max(occurred_from) FROM events")
    assert str(store.scalar("SELECT min(occurred_from) FROM events")) == "2017-07-01 00:00:00"
    assert store.scalar("SELECT count(*) FROM events WHERE force <> 'west-yorkshire'") == 0
    categories = {r[0] for r in store.fetchall("SELECT DISTINCT category FROM events")}
    assert {"shoplifting", "violent-crime", "burglary"} <= categories


def test_reported_by_and_falls_within_kept_apart(tmp_path: Path, store: Store) -> None:
    path = tmp_path / "2017-07-btp-street.csv"
    lines = REAL.read_text(encoding="utf-8").splitlines()
    row = lines[1].split(",")
    row[2] = "British Transport Police"
    path.write_text("\n".join([lines[0], ",".join(row)]) + "\n", encoding="utf-8")
    load_policeuk_file(store, path)
    assert store.fetchall("SELECT reported_by, force FROM events") == [("btp", "west-yorkshire")]


def test_bad_rows_are_quarantined_with_reasons(tmp_path: Path, store: Store) -> None:
    path = tmp_path / "bad-street.csv"
    lines = REAL.read_text(encoding="utf-8").splitlines()
    header, good = lines[0], lines[1].split(",")
    bad_month = good.copy()
    bad_month[1] = "July 2017"
    bad_force = good.copy()
    bad_force[3] = "Atlantis Police"
    bad_force[0] = "f" * 64
    path.write_text("\n".join([header, ",".join(good), ",".join(bad_month), ",".join(bad_force)]) + "\n", encoding="utf-8")
    load_policeuk_file(store, path)
    assert store.fetchall("SELECT line, reason FROM quarantine ORDER BY line") == [
        (3, "unparseable Month 'July 2017' (expected YYYY-MM)"),
        (4, "unknown force 'Atlantis Police' in Falls within"),
    ]


def test_wrong_header_fails_clearly(tmp_path: Path, store: Store) -> None:
    path = tmp_path / "x.csv"
    shutil.copy(REAL, path)
    text = path.read_text(encoding="utf-8").replace("Falls within", "Falls inside", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UnreadableFileError, match="not a data.police.uk street-level file"):
        load_policeuk_file(store, path)
