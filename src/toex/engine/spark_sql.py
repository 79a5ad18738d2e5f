"""toex SQL on Spark: the Spark dialect, parameter binding and transpilation with sqlglot.

Needs no pyspark: what Spark will be sent can be checked without a JVM.

Contract: stage SQL is DuckDB syntax; :class:`SparkDialect` methods return
fragments that sqlglot's DuckDB reader leaves alone and its Spark writer emits
as Spark SQL (``tests/engine/test_dialect.py`` checks each round trip).
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.dialects.duckdb import DuckDB
from sqlglot.helper import seq_get
from sqlglot.parsers.duckdb import DuckDBParser
from sqlglot.tokens import TokenType  # type: ignore[attr-defined]

from toex.engine.base import Dialect, EngineError, Params, accent_map
from toex.store.sql import quote_ident, quote_literal

#: strftime/strptime directives and the Java DateTimeFormatter letters Spark uses.
_JAVA_FORMAT = {"%Y": "yyyy", "%y": "yy", "%m": "M", "%d": "d", "%H": "H", "%M": "m", "%S": "s",
                "%b": "MMM", "%B": "MMMM", "%f": "SSSSSS", "%%": "%"}
_JAVA_FORMAT_OUT = {**_JAVA_FORMAT, "%m": "MM", "%d": "dd", "%H": "HH", "%M": "mm", "%S": "ss"}


def java_format(fmt: str, *, parsing: bool) -> str:
    """A strftime format as a Spark datetime pattern (one-letter fields parse one or two digits)."""
    table = _JAVA_FORMAT if parsing else _JAVA_FORMAT_OUT
    out, i = [], 0
    while i < len(fmt):
        token = fmt[i:i + 2]
        if token in table:
            out.append(table[token])
            i += 2
        elif fmt[i].isalpha():
            out.append(f"'{fmt[i]}'")
            i += 1
        else:
            out.append(fmt[i])
            i += 1
    return "".join(out)


#: Words sqlglot's DuckDB reader takes as keywords that toex uses as column names.
_NOT_KEYWORDS = frozenset({"FORCE"})


class ToexDuckDB(DuckDB):
    """sqlglot's DuckDB dialect, reading toex's column names (``force``) as names."""

    class Tokenizer(DuckDB.Tokenizer):
        KEYWORDS = {k: v for k, v in DuckDB.Tokenizer.KEYWORDS.items() if k not in _NOT_KEYWORDS}

    class Parser(DuckDBParser):
        # toex SQL writes len() for lists and length() for text: Spark's length() takes text only
        FUNCTIONS = {**DuckDB.Parser.FUNCTIONS, "LEN": lambda args: exp.ArraySize(this=seq_get(args, 0))}


class SparkDialect(Dialect):
    """Spark SQL's vocabulary for what DuckDB says its own way."""

    name = "spark"
    json_type = "STRING"

    def regexp_full_match(self, expr: str, pattern: str) -> str:
        return f"rlike({expr}, {quote_literal('^(?:' + pattern + ')$')})"

    def regexp_matches(self, expr: str, pattern: str) -> str:
        return f"rlike({expr}, {quote_literal(pattern)})"

    def regexp_replace_all(self, expr: str, pattern: str, replacement: str) -> str:
        return f"regexp_replace({expr}, {quote_literal(pattern)}, {quote_literal(replacement)})"

    def strip_accents(self, expr: str) -> str:
        accented, plain = accent_map()
        return f"translate({expr}, {quote_literal(accented)}, {quote_literal(plain)})"

    def json_object(self, pairs: Sequence[tuple[str, str]]) -> str:
        return "to_json(named_struct(" + ", ".join(f"{quote_literal(k)}, {v}" for k, v in pairs) + "))"

    def to_json(self, fields: Sequence[tuple[str, str]], json_fields: Sequence[tuple[str, str]] = ()) -> str:
        parts = [f"{quote_literal(k)}, {v}" for k, v in fields]
        parts += [f"{quote_literal(k)}, from_json({v}, 'map<string,string>')" for k, v in json_fields]
        return f"to_json(named_struct({', '.join(parts)}))"

    def local_timestamp(self, expr: str, zone: str) -> str:
        return f"to_timestamp_ntz(from_utc_timestamp(try_to_timestamp({expr}), {quote_literal(zone)}))"

    def reformat_datetime(self, expr: str, strptime_fmt: str, strftime_fmt: str) -> str:
        parse = quote_literal(java_format(strptime_fmt, parsing=True))
        write = quote_literal(java_format(strftime_fmt, parsing=False))
        return f"date_format(try_to_timestamp({expr}, {parse}), {write})"

    def list_agg(self, expr: str, order_by: str | None = None) -> str:
        if order_by is None:
            return f"collect_list({expr})"
        return (f"transform(array_sort(collect_list(named_struct('k', {order_by}, 'v', {expr}))), "
                f"x -> x.v)")

    def sorted_set_agg(self, expr: str, where: str | None = None) -> str:
        value = expr if where is None else f"CASE WHEN {where} THEN {expr} END"
        return f"array_sort(collect_set({value}))"

    def json_agg(self, fields: Sequence[tuple[str, str]], order_by: Sequence[str], limit: int) -> str:
        # array_sort orders structs field by field with NULLs first: each key is led by 'is it NULL'
        keys = ", ".join(f"'n{i}', ({o}) IS NULL, 'k{i}', {o}" for i, o in enumerate(order_by))
        record = ", ".join(f"{quote_literal(k)}, {v}" for k, v in fields)
        return (f"to_json(slice(transform(array_sort(collect_list(named_struct('k', named_struct({keys}), "
                f"'v', named_struct({record})))), x -> x.v), 1, {int(limit)}))")

    def list_contains(self, list_expr: str, value: str) -> str:
        return f"array_contains({list_expr}, {value})"

    def list_length(self, list_expr: str) -> str:
        return f"size({list_expr})"

    def json_array_field(self, expr: str, field: str) -> str:
        shape = quote_literal(f"array<struct<`{field}`:string>>")
        return f"filter(transform(from_json({expr}, {shape}), x -> x.{quote_ident(field)}), v -> v IS NOT NULL)"

    def range_table(self, count: int, column: str = "range") -> str:
        if int(count) <= 0:
            return f"(SELECT CAST(NULL AS BIGINT) AS {column} WHERE FALSE)"
        return f"(SELECT explode(sequence(CAST(0 AS BIGINT), CAST({int(count) - 1} AS BIGINT))) AS {column})"


# -- parameters -------------------------------------------------------------
def sql_literal(value: Any) -> str:
    """A Python value as a toex SQL (DuckDB syntax) literal."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | decimal.Decimal):
        return str(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else f"CAST('{value}' AS DOUBLE)"
    if isinstance(value, dt.datetime):
        return f"CAST({quote_literal(value.replace(tzinfo=None).isoformat(sep=' '))} AS TIMESTAMP)"
    if isinstance(value, dt.date):
        return f"CAST({quote_literal(value.isoformat())} AS DATE)"
    if isinstance(value, str):
        return quote_literal(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(sql_literal(v) for v in value) + "]"
    raise EngineError(f"cannot bind a parameter of type {type(value).__name__} ({value!r:.60}) on Spark")


def bind(sql: str, params: Params) -> str:
    """``sql`` with its ``?`` and ``$name`` placeholders replaced by literals (tokens, never text search)."""
    if params is None:
        return sql
    tokens = ToexDuckDB().tokenize(sql)
    pieces: list[str] = []
    last, position = 0, 0
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.token_type == TokenType.PLACEHOLDER and token.text == "?":
            value, position = _positional(params, position, sql), position + 1
            pieces += [sql[last:token.start], sql_literal(value)]
            last = token.end + 1
        elif token.token_type == TokenType.PARAMETER and i + 1 < len(tokens):
            name = tokens[i + 1]
            pieces += [sql[last:token.start], sql_literal(_named(params, name.text, sql))]
            last, i = name.end + 1, i + 1
        i += 1
    return "".join(pieces) + sql[last:]


def _positional(params: Params, index: int, sql: str) -> Any:
    if isinstance(params, Mapping) or params is None or index >= len(params):
        raise EngineError(f"statement has more '?' placeholders than parameters: {sql.strip()[:300]}")
    return params[index]


def _named(params: Params, name: str, sql: str) -> Any:
    if isinstance(params, Mapping):
        if name not in params:
            raise EngineError(f"no value for parameter ${name} in: {sql.strip()[:300]}")
        return params[name]
    if name.isdigit() and params is not None:
        return params[int(name) - 1]
    raise EngineError(f"named parameter ${name} needs a mapping of parameters: {sql.strip()[:300]}")


# -- transpilation ------------------------------------------------------------
def parse(sql: str) -> exp.Expr:
    """One statement of toex SQL as a sqlglot tree (DuckDB reader)."""
    try:
        statements = [s for s in sqlglot.parse(sql, read=ToexDuckDB) if s is not None]
    except sqlglot.errors.ParseError as exc:
        raise EngineError(f"spark: cannot read the statement ({str(exc).splitlines()[0]}): {sql.strip()[:500]}") from exc
    if len(statements) != 1:
        raise EngineError(f"spark: run one statement at a time ({len(statements)} given): {sql.strip()[:300]}")
    return statements[0]


def _fix_json_casts(node: exp.Expr) -> exp.Expr:
    """``CAST(x AS JSON)``: Spark keeps JSON as text, so the cast is to STRING."""
    if isinstance(node, exp.Cast | exp.TryCast) and node.to.is_type(exp.DataType.Type.JSON):
        return exp.Cast(this=node.this, to=exp.DataType.build("STRING"))
    if isinstance(node, exp.DataType) and node.is_type(exp.DataType.Type.JSON):
        return exp.DataType.build("STRING")
    return node


def _fix_strftime(node: exp.Expr) -> exp.Expr:
    """``strftime(t, fmt)``: sqlglot leaves literal letters ('T') unquoted in Spark's pattern."""
    fmt = node.args.get("format") if isinstance(node, exp.TimeToStr) else None
    if isinstance(fmt, exp.Literal) and fmt.is_string:
        return exp.Anonymous(this="date_format", expressions=[
            node.this, exp.Literal.string(java_format(fmt.this, parsing=False))])
    return node


def _fix_distinct_windows(node: exp.Expr) -> exp.Expr:
    """``count(DISTINCT x) OVER (..)``: Spark has no DISTINCT in window functions; the size of the set is it."""
    if isinstance(node, exp.Window) and isinstance(node.this, exp.Count):
        inner = node.this.this
        if isinstance(inner, exp.Distinct) and len(inner.expressions) == 1:
            window = node.copy()
            window.set("this", exp.Anonymous(this="collect_set", expressions=[inner.expressions[0].copy()]))
            return exp.Anonymous(this="size", expressions=[window])
    return node


def _fix_slices(node: exp.Expr) -> exp.Expr:
    """``list[a:b]`` (1-based, inclusive): Spark's ``slice(list, a, b - a + 1)``."""
    if isinstance(node, exp.Bracket) and len(node.expressions) == 1 and isinstance(node.expressions[0], exp.Slice):
        part = node.expressions[0]
        start, end = part.this, part.expression
        if start is None or end is None:
            raise EngineError(f"spark: open list slices are not supported: {node.sql(dialect='duckdb')}")
        span = exp.Add(this=exp.Sub(this=end.copy(), expression=start.copy()), expression=exp.Literal.number(1))
        # an empty slice (b < a, e.g. list[1:len(list) - 1] of an empty list) is an error in Spark
        length = exp.Greatest(this=span, expressions=[exp.Literal.number(0)])
        return exp.Anonymous(this="slice", expressions=[node.this.copy(), start.copy(), length])
    return node


def _fix_elements(node: exp.Expr) -> exp.Expr:
    """``list[i]``: NULL past the end, as in DuckDB (Spark's ANSI mode fails the query): ``try_element_at``."""
    if isinstance(node, exp.Bracket) and len(node.expressions) == 1 \
            and not isinstance(node.expressions[0], exp.Slice):
        index = node.expressions[0]  # sqlglot holds it 0-based; try_element_at counts from 1
        one = exp.Literal.number(int(index.this) + 1) if isinstance(index, exp.Literal) and not index.is_string \
            else exp.Add(this=index.copy(), expression=exp.Literal.number(1))
        return exp.Anonymous(this="try_element_at", expressions=[node.this.copy(), one])
    return node


def _fix_functions(node: exp.Expr) -> exp.Expr:
    """DuckDB functions Spark spells otherwise: list overlap, accents, full regex matches, string similarity
    (Splink's jar; NULL in, NULL out as in DuckDB), the most frequent value (ties to the smallest), and
    regex back-references (``\\1`` in DuckDB, ``$1`` in Java)."""
    if isinstance(node, exp.ArrayOverlaps):
        return exp.Anonymous(this="arrays_overlap", expressions=[node.this.copy(), node.expression.copy()])
    if isinstance(node, exp.Anonymous) and str(node.this).lower() == "strip_accents" and len(node.expressions) == 1:
        accented, plain = accent_map()
        return exp.Anonymous(this="translate", expressions=[
            node.expressions[0].copy(), exp.Literal.string(accented), exp.Literal.string(plain)])
    if isinstance(node, exp.RegexpFullMatch) and isinstance(node.expression, exp.Literal):
        return exp.RegexpLike(this=node.this.copy(), expression=exp.Literal.string(f"^(?:{node.expression.this})$"))
    if isinstance(node, exp.JarowinklerSimilarity) or (
            isinstance(node, exp.Anonymous) and str(node.this).lower() == "damerau_levenshtein"):
        a, b = (node.this, node.expression) if isinstance(node, exp.JarowinklerSimilarity) else node.expressions
        # Splink's similarity jar, registered on every session by SparkEngine
        name = "jaro_winkler" if isinstance(node, exp.JarowinklerSimilarity) else "damerau_levenshtein"
        call = exp.Anonymous(this=name, expressions=[a.copy(), b.copy()])
        nulls = exp.or_(exp.Is(this=a.copy(), expression=exp.Null()), exp.Is(this=b.copy(), expression=exp.Null()))
        return exp.Case(ifs=[exp.If(this=nulls, true=exp.Null())], default=call)
    if isinstance(node, exp.Mode) and isinstance(node.this, exp.Order):
        ordered = node.this.expressions
        if len(ordered) == 1 and ordered[0].this == node.this.this and not ordered[0].args.get("desc"):
            return exp.Anonymous(this="mode", expressions=[node.this.this.copy(), exp.true()])
    if isinstance(node, exp.RegexpReplace) and isinstance(node.args.get("replacement"), exp.Literal):
        text = str(node.args["replacement"].this)
        if "\\" in text or "$" in text:
            java = re.sub(r"\\(\d)", r"$\1", text.replace("$", "\\$"))
            node = node.copy()
            node.set("replacement", exp.Literal.string(java))
    return node


def _fix_interval_arithmetic(node: exp.Expr) -> exp.Expr:
    """``date + INTERVAL ..`` is a TIMESTAMP in DuckDB but a DATE in Spark: the left side is made a timestamp."""
    if isinstance(node, exp.Add | exp.Sub) and isinstance(node.expression, exp.Interval) \
            and not isinstance(node.this, exp.Interval):
        stamp = exp.Cast(this=node.this.copy(), to=exp.DataType.build("TIMESTAMP_NTZ"))
        return node.__class__(this=stamp, expression=node.expression.copy())
    return node


def _fix_qualify_names(node: exp.Expr) -> exp.Expr:
    """A QUALIFY query is rewritten as a filter over a subquery, whose columns need distinct names:
    a second ``b.person`` beside ``a.person`` is renamed (positions, which INSERT uses, stay)."""
    if isinstance(node, exp.Select) and node.args.get("qualify") is not None:
        if any(isinstance(p, exp.Star) or (isinstance(p, exp.Column) and p.is_star) for p in node.expressions):
            raise EngineError("spark: QUALIFY over SELECT * would keep the window column; name the columns or "
                              f"use engine.dialect.qualify_first: {node.sql(dialect='duckdb')[:300]}")
        seen: set[str] = set()
        for i, projection in enumerate(list(node.expressions)):
            name = projection.alias_or_name.lower()
            if name and name != "*" and name in seen:
                projection.replace(exp.alias_(projection.copy(), f"__q{i}"))
            seen.add(name)
    return node


def to_spark(tree: exp.Expr) -> str:
    """Spark SQL for a parsed toex statement or query."""
    fixed = (tree.transform(_fix_json_casts).transform(_fix_strftime).transform(_fix_distinct_windows)
             .transform(_fix_slices).transform(_fix_elements).transform(_fix_functions)
             .transform(_fix_qualify_names).transform(_fix_interval_arithmetic))
    return fixed.sql(dialect="spark")


def values_as_select(values: exp.Values) -> exp.Expr:
    """``VALUES (..), (..)`` as ``SELECT .. UNION ALL SELECT ..`` (Spark's inline tables want constants)."""
    selects: list[exp.Query] = [exp.select(*row.expressions) for row in values.expressions]
    query: exp.Query = selects[0]
    for nxt in selects[1:]:
        query = exp.union(query, nxt, distinct=False)
    return query


def table_name(node: exp.Expr) -> str:
    """The bare name of a table target (``Schema`` wraps it when columns are listed)."""
    target = node.this if isinstance(node, exp.Schema) else node
    if not isinstance(target, exp.Table):
        found = "nothing" if target is None else target.sql(dialect="duckdb")
        raise EngineError(f"spark: expected a table name, found {found}")
    return target.name


def column_ddl(schema: exp.Schema) -> str:
    """``a STRING, b TIMESTAMP_NTZ`` for a column list of a CREATE TABLE."""
    parts = []
    for column in schema.expressions:
        if isinstance(column, exp.ColumnDef):
            kind = column.args.get("kind")
            type_sql = "STRING" if kind is None else _fix_json_casts(kind.copy()).sql(dialect="spark")
            parts.append(f"`{column.name}` {type_sql}")
    return ", ".join(parts)
