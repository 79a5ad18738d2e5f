"""Write validated rows into the canonical tables, and the rest into quarantine.

Reads the ``__chk_<file>`` tables made by :mod:`toex.ingest.validate`; every
row goes to exactly one place: its canonical table (with normalised values
beside the raw ones) or the quarantine (with file, line, reason and the raw
row as JSON).
"""

from __future__ import annotations

import pyarrow as pa

from toex.engine import Dialect, Engine
from toex.ingest import normalise as n
from toex.ingest import pole_format as fmt

_b = n.blank


def _select(file: str, d: Dialect) -> str:
    """The SELECT list turning a checked row into a canonical row (after source_id, ref, load_id, file, line)."""
    if file == "persons":
        dob = n.dob_parts(_b("dob"), d)
        return f"""{_b('forenames')}, {_b('surname')}, {n.name_key('forenames', d)}, {n.name_key('surname', d)},
            {_b('dob')}, {dob['dob']}, {dob['dob_year']}, {dob['dob_month']}, {dob['dob_day']},
            upper({_b('sex')}), {_b('nationality')}, upper({_b('pnc_id')}), {_b('aliases')}, __attributes"""
    if file == "locations":
        return f"""{_b('address')}, {_b('town')}, {_b('postcode')}, {n.postcode('postcode', d)}, {_b('uprn')},
            TRY_CAST(latitude AS DOUBLE), TRY_CAST(longitude AS DOUBLE),
            COALESCE(lower({_b('kind')}), 'unknown'), __attributes"""
    if file == "objects":
        kind = "lower(trim(kind))"
        return f"""{kind}, {_b('value')}, {n.object_value(kind, 'value', d)}, {_b('description')}, __attributes"""
    if file == "organisations":
        return f"""{_b('name')}, {n.name_key('name', d)}, upper(replace({_b('company_number')}, ' ', '')),
            COALESCE(lower({_b('kind')}), 'company'),
            {n.date_value(_b('incorporated'))}, {n.date_value(_b('dissolved'))}, {_b('sic_code')}, __attributes"""
    if file == "events":
        grading = "upper(trim(grading))"
        return f"""lower(trim(kind)), {n.timestamp_value(_b('occurred_from'), d)}, {n.timestamp_value(_b('occurred_to'), d)},
            lower({_b('force')}), lower({_b('force')}), {_b('location_ref')}, upper({_b('offence_code')}),
            lower({_b('category')}), {_b('description')},
            CASE WHEN {_b('grading')} IS NOT NULL THEN left({grading}, 2) || ' ' || right({grading}, 1) END,
            substr({grading}, 1, 1), substr({grading}, 2, 1), right({grading}, 1),
            {_b('outcome')}, NULL, NULL, NULL, NULL, __attributes"""
    raise ValueError(file)


def insert_canonical(store: Engine, source_id: str, load_id: str) -> dict[str, int]:
    """Insert every valid row of the checked tables; return rows written per table."""
    counts: dict[str, int] = {}
    params = {"source": source_id, "load": load_id}
    for file in fmt.ENTITY_FILES:
        store.execute(
            f"""INSERT INTO {file} SELECT $source, trim(ref), $load, __file, __line, {_select(file, store.dialect)}
            FROM __chk_{file} WHERE __reason IS NULL""",
            params,
        )
        counts[file] = int(store.scalar(f"SELECT count(*) FROM __chk_{file} WHERE __reason IS NULL"))
    store.execute(
        f"""INSERT INTO links SELECT $source, $load, __file, __line, trim(from_ref), trim(to_ref),
            __from_kind, __to_kind, lower(trim(role)), {n.date_value(_b('since'))}, {n.date_value(_b('until'))},
            __attributes
        FROM __chk_links WHERE __reason IS NULL""",
        params,
    )
    counts["links"] = int(store.scalar("SELECT count(*) FROM __chk_links WHERE __reason IS NULL"))
    return counts


def insert_quarantine(store: Engine, source_id: str, load_id: str, files: tuple[str, ...] = fmt.FILES) -> int:
    """Quarantine every row with a reason, keeping the raw row as JSON; return how many."""
    total = 0
    for file in files:
        record = store.dialect.to_json([(c, c) for c in fmt.COLUMNS[file]], [("extra", "__attributes")])
        store.execute(
            f"""INSERT INTO quarantine
            SELECT $load, $source, __file, __line, __reason, {record}
            FROM __chk_{file} WHERE __reason IS NOT NULL""",
            {"source": source_id, "load": load_id},
        )
        total += int(store.scalar(f"SELECT count(*) FROM __chk_{file} WHERE __reason IS NOT NULL"))
    return total


def insert_rejects(store: Engine, source_id: str, load_id: str, file: str, rejects: list[tuple[int, str, str]]) -> None:
    """Quarantine rows the CSV parser could not split, with their raw text."""
    if rejects:
        rows = pa.table({
            "load_id": [load_id] * len(rejects), "source_id": [source_id] * len(rejects),
            "file": [file] * len(rejects), "line": pa.array([r[0] for r in rejects], pa.int64()),
            "reason": [r[1] for r in rejects], "raw": [r[2] for r in rejects],
        })
        record = store.dialect.to_json([("raw", "raw")])
        store.insert_arrow("quarantine", rows, f"load_id, source_id, file, line, reason, {record}")


def delete_source(store: Engine, source_id: str) -> None:
    """Remove every row a source holds, before it is loaded again (a reload replaces)."""
    for table in (*fmt.FILES, "quarantine"):
        store.execute(f"DELETE FROM {table} WHERE source_id = ?", [source_id])
