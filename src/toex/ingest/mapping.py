"""The declarative mapping language for force exports (YAML), parsed and checked.

A mapping names the source, how to read the export (format, delimiter,
encoding, file patterns), code tables, and for each POLE file the records one
input row produces. Each output column is a *field*:

- ``{column: "Crime Ref"}``: a column's value (trimmed);
- ``{value: "offence"}``: a constant;
- ``{template: "LOC/{Crime Ref}"}``: text with ``{column}`` placeholders;
- ``{join: ["House No", "Street"], sep: " "}``: non-empty columns joined;
- modifiers: ``code: <table>`` (look the value up in a code table; values not in
  it pass through, so validation can quarantine them), ``date: "dd/mm/yyyy"``
  (re-written as ISO 8601; unparseable values pass through and are quarantined),
  ``upper: true``.

A persons record may give ``name: {column: ..., split: "surname, forenames"}``
(or ``"forenames surname"``) instead of separate forenames and surname. A
record block may repeat with ``for_each: [1, 2, 3]`` (``{n}`` in any column
name or template is replaced), and be skipped for rows where ``when`` (a field)
is empty. ``distinct: true`` keeps one record per ref (the first row's), for
exports that repeat a person or place on every row. See docs/force-export-mappings.md for the full reference.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from toex.errors import MappingError
from toex.ingest import pole_format as fmt


class FieldSpec(BaseModel):
    """How one output column is made from an input row."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    column: str | None = None
    value: str | None = None
    template: str | None = None
    join: tuple[str, ...] | None = None
    sep: str = " "
    code: str | None = None
    date: str | None = None
    upper: bool = False
    split: Literal["surname, forenames", "forenames surname", "surname forenames"] | None = None

    @model_validator(mode="after")
    def _one_source(self) -> FieldSpec:
        given = [k for k in ("column", "value", "template", "join") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("a field needs exactly one of column, value, template or join")
        return self


class RecordSpec(BaseModel):
    """One record an input row produces (possibly repeated with for_each)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    for_each: tuple[str | int, ...] | None = None
    when: FieldSpec | None = None
    distinct: bool = False
    fields: dict[str, FieldSpec] = Field(default_factory=dict)
    name: FieldSpec | None = None


class InputSpec(BaseModel):
    """How the export's files are read."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: Literal["csv", "parquet"] = "csv"
    delimiter: str = ","
    encoding: str = "utf-8"
    files: tuple[str, ...] = ("*.csv",)


class Mapping(BaseModel):
    """A whole mapping file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: dict[str, Any]
    input: InputSpec = InputSpec()
    codes: dict[str, dict[str, str]] = Field(default_factory=dict)
    records: dict[str, tuple[RecordSpec, ...]]

    @model_validator(mode="after")
    def _known(self) -> Mapping:
        for file, blocks in self.records.items():
            if file not in fmt.FILES:
                raise ValueError(f"records.{file}: not a POLE file (expected one of {', '.join(fmt.FILES)})")
            for i, block in enumerate(blocks):
                for col in block.fields:
                    if col not in fmt.COLUMNS[file]:
                        raise ValueError(f"records.{file}[{i}].{col}: not a column of {file}")
                    spec = block.fields[col]
                    if spec.code is not None and spec.code not in self.codes:
                        raise ValueError(f"records.{file}[{i}].{col}: unknown code table {spec.code!r}")
                if block.name is not None and file != "persons":
                    raise ValueError(f"records.{file}[{i}].name: only persons records take a name")
                required = [c for c in fmt.REQUIRED[file] if c not in block.fields]
                if required:
                    raise ValueError(f"records.{file}[{i}]: missing {', '.join(required)}")
        return self


_RESERVED = ("for_each", "when", "name", "distinct")


def _normalise_blocks(raw: object) -> object:
    """Accept the friendly form where a record's columns sit beside for_each/when/name."""
    if not isinstance(raw, dict) or not isinstance(raw.get("records"), dict):
        return raw
    records = {}
    for file, blocks in raw["records"].items():
        items = blocks if isinstance(blocks, list) else [blocks]
        out = []
        for block in items:
            if isinstance(block, dict) and "fields" not in block:
                fields = {k: _field(v) for k, v in block.items() if k not in _RESERVED}
                rest = {k: _field(v) if k in ("when", "name") else v for k, v in block.items() if k in _RESERVED}
                out.append({**rest, "fields": fields})
            else:
                out.append(block)
        records[file] = out
    codes = {k: {str(a): "" if b is None else str(b) for a, b in v.items()} if isinstance(v, dict) else v
             for k, v in (raw.get("codes") or {}).items()}
    return {**raw, "records": records, "codes": codes}


def _field(value: object) -> object:
    """A bare string is a column name."""
    return {"column": value} if isinstance(value, str) else value


def read_mapping(path: Path) -> Mapping:
    """Read and validate a mapping file; errors name the file and the field."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise MappingError(path, f"cannot be read ({exc.strerror})") from exc
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise MappingError(path, f"not valid YAML ({str(exc).splitlines()[0]})") from exc
    try:
        return Mapping.model_validate(_normalise_blocks(data))
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'mapping'}: {err['msg'].removeprefix('Value error, ')}"
            for err in exc.errors()
        )
        raise MappingError(path, problems) from exc
