"""Ingest of data.police.uk street-level crime CSVs (the 12-column public format).

Each file becomes one source (``policeuk-<file name>``), so loading the same
file again replaces it. Coordinates in this format are anonymised snap
points: they are kept for maps and LSOA x month aggregates, never for linking
people or addresses. ``Reported by`` and ``Falls within`` are kept apart
(BTP reports crimes that fall within other forces). Anti-social behaviour rows
have no Crime ID; they get a ref from their month and line.
"""

from __future__ import annotations

import re
from pathlib import Path

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


def _owner(store: Store, path: Path) -> str:
    """The reporting force of the file's first row, or home-office when it names none we know."""
    row = store.scalar(
        """SELECT f.force_id FROM read_csv(?, header=true, all_varchar=true, auto_detect=false,
               columns={'a':'VARCHAR','b':'VARCHAR','c':'VARCHAR'}, skip=1, null_padding=true,
               strict_mode=false, ignore_errors=true) r
           JOIN ref_forces f ON lower(f.policeuk_name) = lower(trim(r.c)) LIMIT 1""",
        [str(path)],
    )
    return str(row) if row else "home-office"


def _checked_sql() -> str:
    c = {k: f's."{v}"' for k, v in _COLUMNS.items()}
    month_ok = f"regexp_full_match(trim({c['month']}), '\\d{{4}}-(0[1-9]|1[0-2])')"
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


def _insert_sql() -> str:
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
               json_object('lsoa_name', {n.blank(c['lsoa_name'])}, 'context', {n.blank(c['context'])})
        FROM __chk_policeuk WHERE __reason IS NULL"""


def load_policeuk_file(store: Store, path: Path, actor: str = "cli") -> LoadResult:
    """Load one street-level CSV as its own source."""
    header = tuple(read_header(path))
    if header != HEADER:
        raise UnreadableFileError(
            path, f"not a data.police.uk street-level file: header must be {', '.join(HEADER)}"
        )
    spec = SourceSpec(
        id=source_id_for(path), name=f"data.police.uk street-level crime ({path.name})",
        owner=_owner(store, path), kind="crime", classification="OFFICIAL",
    )

    def body(store: Store, load_id: str) -> tuple[dict[str, int], int]:
        staged = stage_csv(store, path, "__raw_policeuk")
        insert_rejects(store, spec.id, load_id, path.name, [(r.line, r.reason, r.raw) for r in staged.rejects])
        store.execute(_checked_sql())
        store.execute(_insert_sql(), {"source": spec.id, "load": load_id})
        fields = ", ".join(f"{k} := \"{v}\"" for k, v in _COLUMNS.items())
        store.execute(
            f"""INSERT INTO quarantine SELECT $load, $source, __file, __line, __reason,
                CAST(to_json(struct_pack({fields})) AS VARCHAR)
            FROM __chk_policeuk WHERE __reason IS NOT NULL ORDER BY __line""",
            {"source": spec.id, "load": load_id},
        )
        loaded = int(store.scalar("SELECT count(*) FROM __chk_policeuk WHERE __reason IS NULL"))
        bad = int(store.scalar("SELECT count(*) FROM __chk_policeuk WHERE __reason IS NOT NULL"))
        return {"events": loaded}, bad + len(staged.rejects)

    return run_load(store, spec, "police-uk", str(path), actor, body)
