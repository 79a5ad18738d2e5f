"""The dialect: the SQL vocabulary that differs, with the same results on every engine."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from toex.engine import Dialect, Engine
from toex.engine.base import accent_map
from toex.store.sql import quote_literal as lit

POSTCODE = "[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}"


def _select(engine: Engine, *exprs: str) -> tuple[object, ...]:
    return engine.fetchall("SELECT " + ", ".join(exprs))[0]


def test_regular_expressions(engine: Engine) -> None:
    d = engine.dialect
    assert _select(
        engine,
        d.regexp_full_match(lit("IP11AA"), POSTCODE),
        d.regexp_full_match(lit("xIP11AA"), POSTCODE),
        d.regexp_matches(lit("2024-01-01T10:00+01:00"), r"(Z|[+-]\d{2}:?\d{2})$"),
        d.regexp_replace_all(lit("a  b\tc"), r"\s+", " "),
    ) == (True, False, True, "a b c")


def test_strip_accents_and_json(engine: Engine) -> None:
    d = engine.dialect
    folded, obj, record = _select(
        engine,
        d.strip_accents(lit("Ionuț Éloïse Şahin")),
        f"CAST({d.json_object([('a', lit('x')), ('b', 'CAST(NULL AS VARCHAR)')])} AS VARCHAR)",
        d.to_json([("ref", lit("P1"))], [("extra", d.json_object([("k", lit("v"))]))]),
    )
    assert folded == "Ionut Eloise Sahin"
    assert json.loads(str(obj)) == {"a": "x", "b": None}
    assert json.loads(str(record)) == {"ref": "P1", "extra": {"k": "v"}}


def test_dates_and_times(engine: Engine) -> None:
    d = engine.dialect
    assert _select(
        engine,
        d.local_timestamp(lit("2024-07-01T10:00:00+01:00"), "Europe/London"),
        d.local_timestamp(lit("2024-01-15T10:00:00Z"), "Europe/London"),
        d.reformat_datetime(lit("17/04/1990"), "%d/%m/%Y", "%Y-%m-%d"),
        d.reformat_datetime(lit("not a date"), "%d/%m/%Y", "%Y-%m-%d"),
        d.try_cast(lit("x"), "DOUBLE"),
        d.try_cast(lit("2.5"), "DOUBLE"),
    ) == (dt.datetime(2024, 7, 1, 10, 0), dt.datetime(2024, 1, 15, 10, 0), "1990-04-17", None, None, 2.5)


def test_lists_qualify_and_range(engine: Engine) -> None:
    d = engine.dialect
    values = d.list_agg("v", "v")
    rows = engine.fetchall(f"SELECT {d.list_length(values)}, {d.list_contains(values, lit('b'))} "
                           "FROM (SELECT 'b' AS v UNION ALL SELECT 'a') t")
    assert rows == [(2, True)]
    first = d.qualify_first("SELECT 'k' AS g, 2 AS n UNION ALL SELECT 'k', 1", "g", "n", ("g", "n"))
    assert engine.fetchall(first) == [("k", 1)]
    assert engine.fetchall(f"SELECT sum(n), count(*) FROM {d.range_table(4, 'n')} r") == [(6, 4)]


def test_missing_vocabulary_names_the_backend() -> None:
    class Tiny(Dialect):
        name = "tiny"

    with pytest.raises(NotImplementedError, match="Backend 'tiny' does not have 'strip_accents'"):
        Tiny().strip_accents("x")


def test_accent_map_folds_like_strip_accents() -> None:
    accented, plain = accent_map()
    assert len(accented) == len(plain) > 300
    assert dict(zip(accented, plain, strict=True))["ț"] == "t" and "ø" not in accented


def test_resolve_vocabulary_reads_alike(engine: Engine) -> None:
    """DuckDB functions resolve's SQL writes directly, which the Spark engine rewrites: the same answers."""
    assert _select(
        engine,
        "len(['a', 'b'])", "length('abc')", "['a', 'b'][2]", "['a'][3]",
        "list_has_any(['a', 'b'], ['b'])", "list_has_any(['a'], ['c'])",
        "['a', 'b', 'c'][1:len(['a', 'b', 'c']) - 1]", "len(CAST([] AS VARCHAR[])[1:len(CAST([] AS VARCHAR[])) - 1])",
        "round(jaro_winkler_similarity('martha', 'marhta'), 3)", "jaro_winkler_similarity(NULL, 'x')",
        "damerau_levenshtein('ab', 'ba')", "regexp_full_match('IP11AA', '[A-Z0-9]+')",
        r"regexp_replace('12/0034A', '^([0-9]{2,4})/0*([0-9]+[A-Z])$', '\1/\2')", "strip_accents('Ionuț')",
        "len(list_filter(['AB12', 'X'], lambda x: len(list_filter(['AB13', 'ZZ'], "
        "lambda y: damerau_levenshtein(x, y) <= 1)) > 0))",
        "regexp_matches('4223', '^[A-Z0-9]{3,10}$')", "regexp_matches('N/K', '[0-9]')",
        *(f"len(list_filter(['2062273'], lambda x: len(list_filter({other}, lambda y: damerau_levenshtein(x, y) = 1 "
          "AND length(x) = length(y) AND list_sort(string_split(x, '')) = list_sort(string_split(y, '')))) > 0))"
          for other in ("['2026273', '2062274']", "['2062274']")),  # two digits transposed; one digit changed
    ) == (2, 3, "b", None, True, False, ["a", "b"], 0, 0.961, None, 1, True, "12/34A", "Ionut", 1, True, False, 1, 0)
    modes = engine.fetchall("SELECT mode(v ORDER BY v) FROM (SELECT 'b' AS v UNION ALL SELECT 'a' UNION ALL "
                            "SELECT 'c' UNION ALL SELECT 'c' UNION ALL SELECT 'a') t")
    assert modes == [("a",)]  # a tie goes to the smallest value


class _Backend:
    """What :mod:`toex.resolve.dialect` reads of a Splink backend: its SQL dialect's name."""

    def __init__(self, name: str) -> None:
        self.sql_dialect = type("D", (), {"sql_dialect_str": name})()


def test_person_model_translates_for_spark_and_is_stored_in_duckdb_sql() -> None:
    from toex.resolve import dialect, people
    from toex.resolve.config import ResolveConfig

    untrained = people.settings(ResolveConfig())
    assert dialect.for_backend(untrained, _Backend("duckdb")) is untrained  # type: ignore[arg-type]
    spark = dialect.for_backend(untrained, _Backend("spark"))  # type: ignore[arg-type]
    conditions = " ".join(level["sql_condition"] for c in spark["comparisons"] for level in c["comparison_levels"])
    assert "arrays_overlap" in conditions.lower() and "jaro_winkler(" in conditions.lower()
    for duckdb_only in ("list_has_any", "jaro_winkler_similarity", "len("):
        assert duckdb_only not in conditions.lower()
    assert spark["sql_dialect"] == "spark"
    assert all(rule["sql_dialect"] == "spark" for rule in spark["blocking_rules_to_generate_predictions"])
    assert dialect.native(spark, untrained) == {**untrained, "sql_dialect": untrained.get("sql_dialect", "duckdb")}
    assert people.same_comparisons(dialect.native(spark, untrained))
    with pytest.raises(ValueError, match="postgres"):
        dialect.condition("l.pnc = r.pnc", "postgres")
