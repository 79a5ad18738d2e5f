"""The SQL graph building and the detectors use, with the same answers on every engine.

The aggregates of the dialect (sorted distinct lists, JSON arrays of records),
and statements Spark has no form of its own for: UPDATE (with FROM), INSERT ..
ON CONFLICT (key), QUALIFY over a join whose columns share names, count(DISTINCT)
over a window, list slices, list parameters and reference files read in FROM.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from toex.engine import Engine, EngineError
from toex.engine.spark_sql import parse, to_spark

ROWS = "(SELECT * FROM (VALUES ('a', 2, 'x'), ('a', 1, NULL), ('a', 1, 'y'), ('b', 3, 'z')) t(k, n, s))"


def test_sorted_set_and_json_aggregates(engine: Engine) -> None:
    d = engine.dialect
    rows = engine.fetchall(
        f"""SELECT k, {d.sorted_set_agg('n')}, {d.sorted_set_agg('s', 'n > 1')},
                   {d.json_agg((('n', 'n'), ('s', 's')), ('n', 's'), 2)}
            FROM {ROWS} r GROUP BY k ORDER BY k""")
    assert [(k, list(ns), list(ss or [])) for k, ns, ss, _ in rows] == [("a", [1, 2], ["x"]), ("b", [3], ["z"])]
    # ordered by n then s with NULLs last, the first two records only
    assert json.loads(rows[0][3]) == [{"n": 1, "s": "y"}, {"n": 1, "s": None}]
    assert json.loads(rows[1][3]) == [{"n": 3, "s": "z"}]


def test_windows_slices_and_list_parameters(engine: Engine) -> None:
    rows = engine.fetchall(
        f"""SELECT k, count(DISTINCT n) OVER (PARTITION BY k) AS kinds, [n, n + 1, n + 2][2:3] AS later
            FROM {ROWS} r WHERE k IN (SELECT unnest(?)) ORDER BY k, n, s NULLS LAST""", [["a", "it's"]])
    assert [(k, kinds, list(later)) for k, kinds, later in rows] == [
        ("a", 2, [2, 3]), ("a", 2, [2, 3]), ("a", 2, [3, 4])]
    assert engine.fetchall(f"SELECT k FROM {ROWS} r WHERE k IN (SELECT unnest(?))", [[]]) == []


def test_qualify_over_columns_with_the_same_name(engine: Engine) -> None:
    rows = engine.fetchall(
        f"""SELECT a.k, b.k, a.n, b.n FROM {ROWS} a JOIN {ROWS} b ON a.k = b.k AND a.n < b.n
            QUALIFY row_number() OVER (PARTITION BY a.k ORDER BY b.n DESC, a.n) = 1 ORDER BY 1""")
    assert rows == [("a", "a", 1, 2)]


def test_update_with_and_without_from(engine: Engine) -> None:
    engine.create_table("__t_upd", f"SELECT k, n, s FROM {ROWS} r")
    engine.create_table("__t_src", "SELECT 'a' AS k, 'new' AS s")
    engine.execute("UPDATE __t_upd SET s = f.s || '!', n = n * 10 FROM __t_src f WHERE f.k = __t_upd.k AND n = ?", [1])
    engine.execute("UPDATE __t_upd SET s = upper(s) WHERE k = 'b'")
    assert engine.fetchall("SELECT k, n, s FROM __t_upd ORDER BY k, n, s") == [
        ("a", 2, "x"), ("a", 10, "new!"), ("a", 10, "new!"), ("b", 3, "Z")]
    engine.drop_table("__t_upd")
    engine.drop_table("__t_src")


def test_insert_on_conflict_with_key(engine: Engine) -> None:
    engine.execute("DELETE FROM toex_meta WHERE key LIKE 'test-%'")
    engine.execute("INSERT INTO toex_meta VALUES ('test-a', '1'), ('test-b', '1')")
    engine.execute("INSERT INTO toex_meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                   ["test-a", "2"])
    engine.execute("INSERT INTO toex_meta VALUES ('test-b', '9'), ('test-c', '3') ON CONFLICT (key) DO NOTHING")
    assert engine.fetchall("SELECT key, value FROM toex_meta WHERE key LIKE 'test-%' ORDER BY key") == [
        ("test-a", "2"), ("test-b", "1"), ("test-c", "3")]


def test_reference_files_in_from(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "districts.csv"
    path.write_text("district,force_id\nIP1,suffolk\nNR1,norfolk\n", encoding="utf-8")
    rows = engine.fetchall(
        f"SELECT d.force_id FROM read_csv('{path}', header = true, all_varchar = true) d WHERE d.district = 'NR1'")
    assert rows == [("norfolk",)]


def test_spark_refuses_what_it_cannot_mean() -> None:
    """Checked on the Spark SQL text (no JVM): a statement Spark would run differently is refused by name."""
    with pytest.raises(EngineError, match="QUALIFY over SELECT"):
        to_spark(parse("SELECT * FROM t QUALIFY row_number() OVER (ORDER BY a) = 1"))
    with pytest.raises(EngineError, match="open list slices"):
        to_spark(parse("SELECT l[2:] FROM t"))


def test_semi_anti_joins_string_agg_and_dates(engine: Engine) -> None:
    keys = "(SELECT * FROM (VALUES ('a'), ('c')) t(k))"
    assert engine.fetchall(f"SELECT DISTINCT r.k FROM {ROWS} r SEMI JOIN {keys} x ON x.k = r.k") == [("a",)]
    assert engine.fetchall(f"SELECT DISTINCT r.k FROM {ROWS} r ANTI JOIN {keys} x ON x.k = r.k") == [("b",)]
    assert engine.fetchall(f"SELECT k, string_agg(s, ';' ORDER BY s) FROM {ROWS} r GROUP BY k ORDER BY k") == [
        ("a", "x;y"), ("b", "z")]
    assert engine.fetchall(
        "SELECT CAST(date_trunc('month', CAST('2024-03-17 10:00' AS TIMESTAMP)) AS DATE), "
        "date_diff('day', CAST('2024-03-01' AS DATE), CAST('2024-03-17' AS DATE)), "
        "CAST('2024-03-17' AS DATE) + INTERVAL 3 DAY") == [
        (dt.date(2024, 3, 1), 16, dt.datetime(2024, 3, 20, 0, 0))]
