"""Ingest of data.police.uk street-level crime CSVs (the 12-column public format).

Each file becomes one source (``policeuk-<file name>``), so loading the same
file again replaces it. Coordinates in this format are anonymised snap
points: they are kept for maps and LSOA x month aggregates, never for linking
people or addresses. ``Reported by`` and ``Falls within`` are kept apart
(BTP reports crimes that fall within other forces). Anti-social behaviour rows
have no Crime ID; they get a ref from their month and line.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from toex.engine import Dialect, Engine, as_engine
from toex.errors import UnreadableFileError
from toex.ingest import normalise as n
from toex.ingest.canonical import insert_rejects
from toex.ingest.load import LoadResult, run_load
from toex.ingest.reader import read_header, stage_csv
from toex.ingest.source import SourceSpec
from toex.store import Store

HEADER: tuple[str, ...] = (
    "Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location",
    "LSOA code", "LSOA name", "Crime type", "Last outcome category", "Context",
)
_COLUMNS = {
    "crime_id": "Crime ID", "month": "Month", "reported_by": "Reported by", "falls_within": "Falls within",
    "longitude": "Longitude", "latitude": "Latitude", "location": "Location", "lsoa_code": "LSOA code",
    "lsoa_name": "LSOA name", "crime_type": "Crime type", "outcome": "Last outcome category", "context": "Context",
}


def is_policeuk_csv(path: Path) -> bool:
    """Whether a file has the street-level header."""
    if path.suffix.lower() != ".csv" or not path.is_file():
        return False
    try:
        return tuple(read_header(path)) == HEADER
    except UnreadableFileError:
        return False


def source_id_for(path: Path) -> str:
    """``policeuk-2017-07-west-yorkshire-street`` for ``2017-07-west-yorkshire-street.csv``."""
    slug = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")
    return f"policeuk-{slug}"


def _owner(store: Engine, path: Path) -> str:
    """The reporting force of the first row that names one we know, or home-office when none does."""
    forces = {str(name).lower(): str(force) for force, name in store.fetchall(
        "SELECT force_id, policeuk_name FROM ref_forces WHERE policeuk_name IS NOT NULL")}
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
        rows = csv.reader(handle)
        next(rows, None)
        for row in rows:
            if len(row) > 2 and (force := forces.get(row[2].strip().lower())):
                return force
    return "home-office"


#: A data.police.uk month: YYYY-MM.
_MONTH = r"\d{4}-(0[1-9]|1[0-2])"


def _checked_sql(d: Dialect) -> str:
    c = {k: f's."{v}"' for k, v in _COLUMNS.items()}
    month_ok = d.regexp_full_match(f"trim({c['month']})", _MONTH)
    rules = [
        (f"{n.blank(c['month'])} IS NULL", "'missing Month'"),
        (f"NOT {month_ok}", f"'unparseable Month ''' || {c['month']} || ''' (expected YYYY-MM)'"),
        ("rf.force_id IS NULL", f"'unknown force ''' || coalesce({c['reported_by']}, '') || ''' in Reported by'"),
        ("ff.force_id IS NULL", f"'unknown force ''' || coalesce({c['falls_within']}, '') || ''' in Falls within'"),
        ("cat.slug IS NULL", f"'unknown Crime type ''' || coalesce({c['crime_type']}, '') || ''''"),
        (f"{n.blank(c['crime_id'])} IS NULL AND cat.slug <> 'anti-social-behaviour'", "'missing Crime ID for a crime'"),
        (f"{n.blank(c['latitude'])} IS NOT NULL AND TRY_CAST({c['latitude']} AS DOUBLE) IS NULL",
         f"'invalid Latitude ''' || {c['latitude']} || ''''"),
        (f"{n.blank(c['longitude'])} IS NOT NULL AND TRY_CAST({c['longitude']} AS DOUBLE) IS NULL",
         f"'invalid Longitude ''' || {c['longitude']} || ''''"),
        ("dup.rn > 1", f"'duplicate Crime ID ''' || {c['crime_id']} || ''''"),
    ]
    case = "CASE " + " ".join(f"WHEN {cond} THEN {reason}" for cond, reason in rules) + " END"
    return f"""CREATE OR REPLACE TEMP TABLE __chk_policeuk AS
        SELECT s.*, rf.force_id AS __reported_by, ff.force_id AS __falls_within, cat.slug AS __category,
               {case} AS __reason
        FROM __raw_policeuk s
        LEFT JOIN ref_forces rf ON lower(rf.policeuk_name) = lower(trim({c['reported_by']}))
        LEFT JOIN ref_forces ff ON lower(ff.policeuk_name) = lower(trim({c['falls_within']}))
        LEFT JOIN ref_policeuk_categories cat ON lower(cat.label) = lower(trim({c['crime_type']}))
        LEFT JOIN (SELECT __line, row_number() OVER (PARTITION BY trim("Crime ID") ORDER BY __line) AS rn
                   FROM __raw_policeuk WHERE NULLIF(trim("Crime ID"), '') IS NOT NULL) dup USING (__line)"""


def _insert_sql(d: Dialect) -> str:
    c = {k: f'"{v}"' for k, v in _COLUMNS.items()}
    return f"""INSERT INTO events
        SELECT $source,
               COALESCE({n.blank(c['crime_id'])}, 'asb-' || trim({c['month']}) || '-' || __line),
               $load, __file, __line,
               CASE WHEN __category = 'anti-social-behaviour' THEN 'other' ELSE 'offence' END,
               CAST(trim({c['month']}) || '-01' AS TIMESTAMP), NULL,
               __falls_within, __reported_by, NULL, NULL, __category, NULL, NULL, NULL, NULL, NULL,
               {n.blank(c['outcome'])}, {n.blank(c['lsoa_code'])},
               TRY_CAST({c['latitude']} AS DOUBLE), TRY_CAST({c['longitude']} AS DOUBLE), {n.blank(c['location'])},
               {d.json_object([('lsoa_name', n.blank(c['lsoa_name'])), ('context', n.blank(c['context']))])}
        FROM __chk_policeuk WHERE __reason IS NULL"""


def load_policeuk_file(target: Store | Engine, path: Path, actor: str = "cli") -> LoadResult:
    """Load one street-level CSV as its own source."""
    store = as_engine(target)
    header = tuple(read_header(path))
    if header != HEADER:
        raise UnreadableFileError(
            path, f"not a data.police.uk street-level file: header must be {', '.join(HEADER)}"
        )
    spec = SourceSpec(
        id=source_id_for(path), name=f"data.police.uk street-level crime ({path.name})",
        owner=_owner(store, path), kind="crime", classification="OFFICIAL",
    )

    def body(store: Engine, load_id: str) -> tuple[dict[str, int], int]:
        staged = stage_csv(store, path, "__raw_policeuk")
        insert_rejects(store, spec.id, load_id, path.name, [(r.line, r.reason, r.raw) for r in staged.rejects])
        store.execute(_checked_sql(store.dialect))
        store.execute(_insert_sql(store.dialect), {"source": spec.id, "load": load_id})
        record = store.dialect.to_json([(k, f'"{v}"') for k, v in _COLUMNS.items()])
        store.execute(
            f"""INSERT INTO quarantine SELECT $load, $source, __file, __line, __reason, {record}
            FROM __chk_policeuk WHERE __reason IS NOT NULL ORDER BY __line""",
            {"source": spec.id, "load": load_id},
        )
        loaded = int(store.scalar("SELECT count(*) FROM __chk_policeuk WHERE __reason IS NULL"))
        bad = int(store.scalar("SELECT count(*) FROM __chk_policeuk WHERE __reason IS NOT NULL"))
        return {"events": loaded}, bad + len(staged.rejects)

    return run_load(store, spec, "police-uk", str(path), actor, body)
