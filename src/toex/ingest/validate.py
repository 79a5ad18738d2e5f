"""Validate staged POLE tables in SQL: every row gets a reason, or none.

Input: temp tables ``__stg_<file>`` holding every column of the format as
text (absent ones NULL), ``__attributes`` (extra columns as JSON), ``__file``
and ``__line``. Output: ``__chk_<file>`` = the same rows plus ``__reason``
(NULL for a valid row). The first broken rule of a row is its reason.
"""

from __future__ import annotations

from toex.engine import Dialect, Engine
from toex.ingest import normalise as n
from toex.ingest import pole_format as fmt
from toex.store.sql import quote_literal


def _in(expr: str, values: tuple[str, ...]) -> str:
    return f"{expr} IN ({', '.join(quote_literal(v) for v in values)})"


def _q(expr: str) -> str:
    """SQL that renders a value inside a reason: 'x'."""
    return f"'''' || {expr} || ''''"


def _a(kind: str) -> str:
    """SQL for 'a person' / 'an event' from a kind column."""
    return f"CASE WHEN {kind} IN ('event', 'object', 'organisation') THEN 'an ' ELSE 'a ' END || {kind}"


Rule = tuple[str, str]


def _kind_rule(label: str, values: tuple[str, ...]) -> Rule:
    """An optional ``kind`` column must be one of ``values``."""
    return (f"{n.blank('kind')} IS NOT NULL AND NOT {_in('lower(trim(kind))', values)}",
            f"'unknown {label} kind ' || {_q('kind')}")


def _coordinate_rule(column: str, limit: int) -> Rule:
    """An optional coordinate must be a number within +/- ``limit`` degrees."""
    value = f"TRY_CAST({column} AS DOUBLE)"
    return (f"{n.blank(column)} IS NOT NULL AND ({value} IS NULL OR abs({value}) > {limit})",
            f"'invalid {column} ' || {_q(column)}")


def _date_rule(column: str, parses: str) -> Rule:
    """An optional date column must parse (``parses`` is the SQL test of the blanked value)."""
    return (f"{n.blank(column)} IS NOT NULL AND NOT {parses}",
            f"'unparseable date ' || {_q(column)} || ' in {column}'")


def _entity_rules(file: str, d: Dialect) -> list[tuple[str, str]]:
    """(condition that breaks the rule, reason SQL) per file, in order."""
    b = n.blank
    if file == "persons":
        dob = n.dob_parts(b("dob"), d)
        sex = "upper(trim(sex))"
        return [
            (f"{b('dob')} IS NOT NULL AND NOT ({dob['ok']})", f"'unparseable date of birth ' || {_q('dob')}"),
            (
                f"{b('sex')} IS NOT NULL AND NOT {_in(sex, fmt.SEX)}",
                f"'unknown sex ' || {_q('sex')} || ' (expected M, F, X or empty)'",
            ),
        ]
    if file == "locations":
        return [_kind_rule("location", fmt.LOCATION_KINDS), _coordinate_rule("latitude", 90),
                _coordinate_rule("longitude", 180)]
    if file == "objects":
        return [
            (f"{b('kind')} IS NULL", "'missing object kind'"),
            (f"NOT {_in('lower(trim(kind))', fmt.OBJECT_KINDS)}", f"'unknown object kind ' || {_q('kind')}"),
        ]
    if file == "organisations":
        return [_kind_rule("organisation", fmt.ORGANISATION_KINDS),
                *(_date_rule(c, n.date_ok(b(c), d)) for c in ("incorporated", "dissolved"))]
    if file == "events":
        return [
            (f"{b('kind')} IS NULL", "'missing event kind'"),
            (f"NOT {_in('lower(trim(kind))', fmt.EVENT_KINDS)}", f"'unknown event kind ' || {_q('kind')}"),
            *(_date_rule(c, n.timestamp_ok(b(c), d)) for c in ("occurred_from", "occurred_to")),
            (f"{b('force')} IS NOT NULL AND lower(trim(force)) NOT IN (SELECT force_id FROM ref_forces)",
             f"'unknown force id ' || {_q('force')}"),
            (f"{b('grading')} IS NOT NULL AND NOT {d.regexp_full_match('upper(trim(grading))', fmt.GRADING_PATTERN)}",
             f"'invalid 3x5x2 grading ' || {_q('grading')} || ' (expected e.g. 1B P)'"),
            (f"{b('location_ref')} IS NOT NULL AND trim(location_ref) NOT IN (SELECT ref FROM __all_refs WHERE kind = 'location')",
             f"'location_ref ' || {_q('location_ref')} || ' is not a location in this source'"),
            (f"{b('location_ref')} IS NOT NULL AND trim(location_ref) NOT IN (SELECT ref FROM __valid_refs WHERE kind = 'location')",
             f"'location_ref ' || {_q('location_ref')} || ' refers to a quarantined location'"),
        ]
    raise ValueError(file)


def _case(rules: list[tuple[str, str]]) -> str:
    whens = " ".join(f"WHEN {cond} THEN {reason}" for cond, reason in rules)
    return f"CASE {whens} END"


def _nul_rule(file: str, prefix: str = "") -> tuple[str, str]:
    """A NUL byte in any field refuses the row (it is never silently altered)."""
    fields = ", ".join(f"{prefix}{c}" for c in fmt.COLUMNS[file])
    return (f"contains(concat_ws('', {fields}), chr(0))", "'a field contains a NUL byte'")


def _common_rules(file: str) -> list[tuple[str, str]]:
    return [
        _nul_rule(file),
        (f"{n.blank('ref')} IS NULL", "'missing ref'"),
        ("__dup.first_at IS NOT NULL", f"'duplicate ref ' || {_q('trim(ref)')} || ' (first at ' || __dup.first_at || ')'"),
    ]


def _create_all_refs(store: Engine) -> None:
    parts = [
        f"SELECT trim(ref) AS ref, '{fmt.KIND_OF_FILE[f]}' AS kind, __file AS file, __line AS line, {i} AS ord "
        f"FROM __stg_{f} WHERE {n.blank('ref')} IS NOT NULL"
        for i, f in enumerate(fmt.ENTITY_FILES)
    ]
    store.execute("CREATE OR REPLACE TEMP TABLE __all_refs AS " + " UNION ALL ".join(parts))
    store.execute(
        """CREATE OR REPLACE TEMP TABLE __dups AS
        SELECT file, line, first_at FROM (
            SELECT file, line,
                   first_value(file || ' line ' || line) OVER w AS first_at,
                   row_number() OVER w AS rn
            FROM __all_refs WINDOW w AS (PARTITION BY ref ORDER BY ord, line)
        ) WHERE rn > 1"""
    )
    store.execute("CREATE OR REPLACE TEMP TABLE __valid_refs (ref VARCHAR, kind VARCHAR)")


def _check_entity(store: Engine, file: str) -> None:
    rules = _common_rules(file) + _entity_rules(file, store.dialect)
    store.execute(
        f"""CREATE OR REPLACE TEMP TABLE __chk_{file} AS
        SELECT s.*, {_case(rules)} AS __reason
        FROM __stg_{file} s
        LEFT JOIN __dups __dup ON __dup.file = s.__file AND __dup.line = s.__line"""
    )
    store.execute(
        f"INSERT INTO __valid_refs SELECT trim(ref), '{fmt.KIND_OF_FILE[file]}' FROM __chk_{file} WHERE __reason IS NULL"
    )


def _role_kinds_sql() -> str:
    rows = ", ".join(f"({quote_literal(r)}, {quote_literal(a)}, {quote_literal(b)})" for r, (a, b) in fmt.ROLES.items())
    return f"(VALUES {rows}) AS rk(role, from_kind, to_kind)"


def _check_links(store: Engine) -> None:
    b, d = n.blank, store.dialect
    rules = [
        _nul_rule("links", "s."),
        (f"{b('s.from_ref')} IS NULL", "'missing from_ref'"),
        (f"{b('s.to_ref')} IS NULL", "'missing to_ref'"),
        (f"{b('s.role')} IS NULL", "'missing role'"),
        ("rk.role IS NULL", f"'unknown role ' || {_q('s.role')}"),
        ("fa.kind IS NULL", f"'from_ref ' || {_q('trim(s.from_ref)')} || ' is not a ref in this source'"),
        ("ta.kind IS NULL", f"'to_ref ' || {_q('trim(s.to_ref)')} || ' is not a ref in this source'"),
        ("fa.kind <> rk.from_kind OR ta.kind <> rk.to_kind",
         f"'role ' || {_q('rk.role')} || ' links ' || {_a('rk.from_kind')} || ' to ' || {_a('rk.to_kind')} || "
         f"', not ' || {_a('fa.kind')} || ' to ' || {_a('ta.kind')}"),
        ("NOT fa.valid", f"'from_ref ' || {_q('trim(s.from_ref)')} || ' refers to a quarantined row'"),
        ("NOT ta.valid", f"'to_ref ' || {_q('trim(s.to_ref)')} || ' refers to a quarantined row'"),
        (f"{b('s.since')} IS NOT NULL AND NOT {n.date_ok(b('s.since'), d)}", f"'unparseable date ' || {_q('s.since')} || ' in since'"),
        (f"{b('s.until')} IS NOT NULL AND NOT {n.date_ok(b('s.until'), d)}", f"'unparseable date ' || {_q('s.until')} || ' in until'"),
    ]
    store.execute(
        """CREATE OR REPLACE TEMP TABLE __ref_index AS
        SELECT a.ref, min(a.kind) AS kind, bool_or(v.ref IS NOT NULL) AS valid
        FROM __all_refs a LEFT JOIN __valid_refs v ON v.ref = a.ref AND v.kind = a.kind
        GROUP BY a.ref"""
    )
    store.execute(
        f"""CREATE OR REPLACE TEMP TABLE __chk_links AS
        SELECT s.*, fa.kind AS __from_kind, ta.kind AS __to_kind, {_case(rules)} AS __reason
        FROM __stg_links s
        LEFT JOIN {_role_kinds_sql()} ON rk.role = lower(trim(s.role))
        LEFT JOIN __ref_index fa ON fa.ref = trim(s.from_ref)
        LEFT JOIN __ref_index ta ON ta.ref = trim(s.to_ref)"""
    )


def check_staged(store: Engine) -> None:
    """Create ``__chk_<file>`` for every POLE file from the ``__stg_<file>`` tables."""
    _create_all_refs(store)
    for file in ("persons", "locations", "objects", "organisations"):
        _check_entity(store, file)
    _check_entity(store, "events")  # after locations: location_ref must be a valid location
    _check_links(store)
