"""The person model in the SQL of the engine that runs Splink.

toex writes its comparisons, blocking and training rules once, in DuckDB SQL
(the stored model keeps them so, whatever engine trained it). When Splink runs
on another backend (Spark), each condition and rule is translated with the
same sqlglot transforms the Spark engine applies to toex's own SQL
(:func:`toex.engine.spark_sql.to_spark`), so ``list_has_any`` becomes
``arrays_overlap``, ``jaro_winkler_similarity`` Splink's ``jaro_winkler`` and
so on; a trained model is given its DuckDB conditions back before it is stored.
"""

from __future__ import annotations

import copy
from typing import Any

from splink.internals.database_api import DatabaseAPI

NATIVE = "duckdb"


def backend_dialect(backend: DatabaseAPI[Any]) -> str:
    """The SQL dialect Splink writes for ``backend`` ('duckdb', 'spark')."""
    return str(backend.sql_dialect.sql_dialect_str)


def condition(sql: str, dialect: str) -> str:
    """A comparison level's condition, or a blocking/training rule (``l.``/``r.`` columns), in ``dialect``."""
    if dialect == NATIVE or sql.strip().upper() == "ELSE":
        return sql
    if dialect != "spark":
        raise ValueError(f"no translation of toex's person model to the {dialect!r} SQL dialect")
    from toex.engine.spark_sql import parse, to_spark

    spark = to_spark(parse(f"SELECT {sql}"))
    return spark.removeprefix("SELECT ")


def for_backend(model: dict[str, Any], backend: DatabaseAPI[Any]) -> dict[str, Any]:
    """``model`` (settings or a trained model, DuckDB SQL) with its conditions in ``backend``'s SQL."""
    dialect = backend_dialect(backend)
    if dialect == NATIVE:
        return model
    out = copy.deepcopy(model)
    out["sql_dialect"] = dialect
    for comparison in out.get("comparisons", []):
        for level in comparison.get("comparison_levels", []):
            level["sql_condition"] = condition(str(level["sql_condition"]), dialect)
    rules = []
    for rule in out.get("blocking_rules_to_generate_predictions", []):
        entry = dict(rule) if isinstance(rule, dict) else {"blocking_rule": rule}
        entry["blocking_rule"] = condition(str(entry["blocking_rule"]), dialect)
        entry["sql_dialect"] = dialect
        rules.append(entry)
    out["blocking_rules_to_generate_predictions"] = rules
    return out


def native(trained: dict[str, Any], untrained: dict[str, Any]) -> dict[str, Any]:
    """A model trained through another backend, with the DuckDB conditions of ``untrained`` (the same
    comparisons and levels, in the same order) and its dialect, as toex stores every model."""
    if trained.get("sql_dialect", NATIVE) == NATIVE:
        return trained
    out = copy.deepcopy(trained)
    out["sql_dialect"] = untrained.get("sql_dialect", NATIVE)
    pairs = zip(out.get("comparisons", []), untrained.get("comparisons", []), strict=True)
    for comparison, original in pairs:
        levels = zip(comparison.get("comparison_levels", []), original.get("comparison_levels", []), strict=True)
        for level, source in levels:
            level["sql_condition"] = source["sql_condition"]
    out["blocking_rules_to_generate_predictions"] = copy.deepcopy(
        untrained.get("blocking_rules_to_generate_predictions", []))
    return out
