"""Ingest of force exports in their own shapes, through a declarative mapping.

The mapping turns each input row into POLE-shaped rows in SQL; from there the
same validation, quarantine and load as the POLE format apply, so a mapped
export obeys every rule of pole-exchange.md without a line of code per force.
"""

from __future__ import annotations

import re
from pathlib import Path

from toex.engine import Dialect, Engine, as_engine
from toex.errors import MappingError
from toex.ingest import pole_format as fmt
from toex.ingest.canonical import insert_canonical, insert_quarantine, insert_rejects
from toex.ingest.load import LoadResult, run_load
from toex.ingest.mapping import FieldSpec, Mapping, RecordSpec, read_mapping
from toex.ingest.pole import shape_staged
from toex.ingest.reader import StagedFile, stage_csv, stage_parquet
from toex.ingest.source import spec_from_mapping
from toex.store import Store
from toex.store.sql import quote_ident, quote_literal

_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
_DATE_TOKENS = (("yyyy", "%Y"), ("yy", "%y"), ("dd", "%d"), ("mm", "%m"), ("HH", "%H"), ("MM", "%M"), ("SS", "%S"))


def strptime_format(pattern: str) -> str:
    """'dd/mm/yyyy HH:MM' -> '%d/%m/%Y %H:%M' (a pattern with % is taken as it is)."""
    if "%" in pattern:
        return pattern
    out = pattern
    for token, code in _DATE_TOKENS:
        out = out.replace(token, code)
    return out


class _Builder:
    """Builds SQL expressions for fields over one staged file."""

    def __init__(self, mapping: Mapping, staged: StagedFile, mapping_path: Path, n_value: str | None,
                 dialect: Dialect) -> None:
        self.mapping, self.staged, self.path, self.n = mapping, staged, mapping_path, n_value
        self.d = dialect

    def col(self, name: str) -> str:
        actual = name.replace("{n}", self.n) if self.n is not None else name
        if actual not in self.staged.columns:
            raise MappingError(
                self.path, f"column {actual!r} is not in {self.staged.path.name} (its columns: "
                f"{', '.join(self.staged.columns[:12])}{', ...' if len(self.staged.columns) > 12 else ''})"
            )
        return f"NULLIF(trim({quote_ident(actual)}), '')"

    def field(self, spec: FieldSpec) -> str:
        if spec.column is not None:
            expr = self.col(spec.column)
        elif spec.value is not None:
            expr = quote_literal(spec.value.replace("{n}", self.n or ""))
        elif spec.template is not None:
            expr = self._template(spec.template)
        else:
            parts = ", ".join(self.col(c) for c in spec.join or ())
            expr = f"NULLIF(concat_ws({quote_literal(spec.sep)}, {parts}), '')"
        if spec.code is not None:
            table = self.mapping.codes[spec.code]
            whens = " ".join(f"WHEN {quote_literal(k)} THEN {quote_literal(v)}" for k, v in table.items())
            expr = f"NULLIF(CASE {expr} {whens} ELSE {expr} END, '')" if whens else expr
        if spec.date is not None:
            iso = "%Y-%m-%dT%H:%M:%S" if any(t in spec.date for t in ("HH", "%H")) else "%Y-%m-%d"
            expr = f"COALESCE({self.d.reformat_datetime(expr, strptime_format(spec.date), iso)}, {expr})"
        if spec.upper:
            expr = f"upper({expr})"
        return expr

    def _template(self, template: str) -> str:
        text = template.replace("{n}", self.n or "") if self.n is not None else template
        pieces: list[str] = []
        pos = 0
        for match in _PLACEHOLDER.finditer(text):
            if match.start() > pos:
                pieces.append(quote_literal(text[pos:match.start()]))
            pieces.append(f"COALESCE({self.col(match.group(1))}, '')")
            pos = match.end()
        if pos < len(text):
            pieces.append(quote_literal(text[pos:]))
        return f"NULLIF({' || '.join(pieces) or quote_literal('')}, '')"

    def name_parts(self, spec: FieldSpec) -> tuple[str, str]:
        whole = self.field(spec.model_copy(update={"split": None}))
        if spec.split == "surname, forenames":
            return (f"NULLIF(trim(regexp_extract({whole}, ',(.*)$', 1)), '')",
                    f"NULLIF(trim(CASE WHEN contains({whole}, ',') THEN regexp_extract({whole}, '^([^,]*)', 1) ELSE {whole} END), '')")
        if spec.split == "surname forenames":
            return (f"NULLIF(trim(regexp_extract({whole}, '^\\S+\\s+(.*)$', 1)), '')",
                    f"regexp_extract({whole}, '^(\\S+)', 1)")
        return (f"NULLIF(trim(regexp_extract({whole}, '^(.*)\\s+\\S+$', 1)), '')",
                f"regexp_extract({whole}, '(\\S+)$', 1)")


def _block_selects(mapping: Mapping, path: Path, staged: StagedFile, file: str, block: RecordSpec,
                   d: Dialect) -> list[str]:
    selects = []
    for n_value in [str(v) for v in block.for_each] if block.for_each else [None]:
        b = _Builder(mapping, staged, path, n_value, d)
        exprs = {c: b.field(spec) for c, spec in block.fields.items()}
        if block.name is not None:
            exprs.setdefault("forenames", b.name_parts(block.name)[0])
            exprs.setdefault("surname", b.name_parts(block.name)[1])
        cols = ", ".join(f"{exprs.get(c, 'CAST(NULL AS VARCHAR)')} AS {c}" for c in fmt.COLUMNS[file])
        where = f" WHERE {b.field(block.when)} IS NOT NULL" if block.when is not None else ""
        select = (f"SELECT {cols}, CAST(NULL AS {d.json_type}) AS __attributes, __file, __line "
                  f"FROM {quote_ident(staged.table)}{where}")
        if block.distinct:
            key = fmt.REQUIRED[file][0] if file != "links" else "from_ref || '>' || to_ref || '>' || role"
            select = d.qualify_first(select, key, "__line", (*fmt.COLUMNS[file], "__attributes", "__file", "__line"))
        selects.append(select)
    return selects


def _input_files(mapping: Mapping, export: Path, mapping_path: Path) -> list[Path]:
    if export.is_file():
        return [export]
    found = sorted({p for pattern in mapping.input.files for p in export.glob(pattern) if p.is_file()})
    if not found:
        raise MappingError(mapping_path, f"no input files match {', '.join(mapping.input.files)} in {export}")
    return found


def load_mapped_export(store: Store | Engine, export: Path, mapping_path: Path, actor: str = "cli") -> LoadResult:
    """Load a force export (a file, or a folder of files) through its mapping."""
    mapping = read_mapping(mapping_path)
    spec = spec_from_mapping(mapping.source, mapping_path)
    files = _input_files(mapping, export, mapping_path)

    def body(store: Engine, load_id: str) -> tuple[dict[str, int], int]:
        selects: dict[str, list[str]] = {f: [] for f in fmt.FILES}
        rejected = 0
        for i, path in enumerate(files):
            if mapping.input.format == "parquet":
                staged = stage_parquet(store, path, f"__raw_export_{i}")
            else:
                staged = stage_csv(store, path, f"__raw_export_{i}", delimiter=mapping.input.delimiter,
                                   encoding=mapping.input.encoding)
            insert_rejects(store, spec.id, load_id, path.name, [(r.line, r.reason, r.raw) for r in staged.rejects])
            rejected += len(staged.rejects)
            for file, blocks in mapping.records.items():
                for block in blocks:
                    selects[file].extend(_block_selects(mapping, mapping_path, staged, file, block, store.dialect))
        for file in fmt.FILES:
            if selects[file]:
                store.execute(f"CREATE OR REPLACE TEMP TABLE __stg_{file} AS " + " UNION ALL ".join(selects[file]))
            else:
                shape_staged(store, file, None)
        for i in range(len(files)):
            store.execute(f"DROP TABLE IF EXISTS __raw_export_{i}")
        from toex.ingest.phones import normalise_remaining_phones
        from toex.ingest.validate import check_staged

        check_staged(store)
        counts = insert_canonical(store, spec.id, load_id)
        quarantined = insert_quarantine(store, spec.id, load_id) + rejected
        normalise_remaining_phones(store, load_id)
        return counts, quarantined

    return run_load(as_engine(store), spec, "mapped", f"{export} (mapping {mapping_path.name})", actor, body)
