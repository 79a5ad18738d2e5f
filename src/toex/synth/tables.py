"""The generator's intermediate form: per source, the *true* entities that appear in it
(canonical attributes, keyed by true entity id) plus its events and links.

Background (numpy columns) and planted scenarios (DataFrames) both append parts
here; the writer renders the entities with noise, gives every record a ref and writes
the source folder. Nothing here is written as is.

Entity ids are integers, unique per kind across the whole dataset; the truth writes
them as ``TP-`` (person), ``TL-`` (location), ``TO-`` (object), ``TC-`` (organisation).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeAlias

import numpy as np
import pandas as pd
import pyarrow as pa

#: A file's columns as parallel numpy arrays (the writer's working form).
Columns = dict[str, np.ndarray]

PERSON_COLUMNS = ("eid", "first", "middle", "surname", "dob", "sex", "origin", "pnc")
LOCATION_COLUMNS = ("eid", "flat", "building", "number", "street", "suffix", "town", "postcode", "latitude", "longitude", "kind", "uprn")
OBJECT_COLUMNS = ("eid", "kind", "value", "description")
ORG_COLUMNS = ("eid", "name", "company_number", "kind", "incorporated", "dissolved", "sic_code")
EVENT_COLUMNS = (
    "key", "kind", "occurred_from", "occurred_to", "force", "loc", "offence_code", "category",
    "description", "grading", "outcome",
)
LINK_COLUMNS = ("from_kind", "from_id", "to_kind", "to_id", "role", "since", "until")

KIND_FRAMES = {"person": "persons", "location": "locations", "object": "objects", "organisation": "organisations"}
TRUTH_PREFIX = {"person": "TP", "location": "TL", "object": "TO", "organisation": "TC"}

#: Id blocks: background entities of force number i use ids from (i + 1) * BLOCK;
#: planted scenario entities use ids below BLOCK.
BLOCK = 10_000_000


def truth_id(kind: str, eid: int) -> str:
    return f"{TRUTH_PREFIX[kind]}-{eid:09d}"


def truth_ids(kind: str, eids: np.ndarray) -> np.ndarray:
    """:func:`truth_id` of many ids, as an object array."""
    prefix = TRUTH_PREFIX[kind]
    out = np.empty(len(eids), dtype=object)
    out[:] = [f"{prefix}-{e:09d}" for e in np.asarray(eids, dtype=np.int64).tolist()]
    return out


@dataclass
class SourceSpec:
    """source.yaml of one source."""

    id: str
    name: str
    owner: str
    kind: str
    force: str | None = None


#: One appended piece of a source's file: a DataFrame (planted scenarios) or columns (background).
Part: TypeAlias = pd.DataFrame | Columns


def part_len(part: Part) -> int:
    if isinstance(part, pd.DataFrame):
        return len(part)
    return len(next(iter(part.values()))) if part else 0


def take(columns: Columns, rows: np.ndarray) -> Columns:
    """The rows ``rows`` (positions or a boolean mask) of every column."""
    return {c: v[rows] for c, v in columns.items()}


def object_frame(columns: dict[str, object]) -> pd.DataFrame:
    """A DataFrame that keeps numpy object columns as object dtype. (pandas 3 would convert
    strings to its arrow-backed ``str`` dtype, and the writer would convert them back.)"""
    return pd.DataFrame({
        c: pd.Series(v, dtype=object, copy=False) if isinstance(v, np.ndarray) and v.dtype == object else v
        for c, v in columns.items()
    })


def frame_columns(df: pd.DataFrame, columns: tuple[str, ...] | None = None) -> Columns:
    """A DataFrame's columns as numpy arrays (strings as Python ``str`` objects)."""
    return {c: df[c].to_numpy() for c in (columns or tuple(df.columns))}


@dataclass
class SourceData:
    """Everything one source will hold, before rendering."""

    spec: SourceSpec
    persons: list[Part] = field(default_factory=list)
    locations: list[Part] = field(default_factory=list)
    objects: list[Part] = field(default_factory=list)
    organisations: list[Part] = field(default_factory=list)
    events: list[Part] = field(default_factory=list)
    links: list[Part] = field(default_factory=list)

    def add(self, other: SourceData) -> None:
        for name in ("persons", "locations", "objects", "organisations", "events", "links"):
            getattr(self, name).extend(getattr(other, name))

    def columns(self, name: str, columns: tuple[str, ...]) -> Columns:
        """The parts of ``name`` concatenated column by column."""
        parts = [p for p in getattr(self, name) if part_len(p)]
        if not parts:
            return {c: np.zeros(0, dtype=object) for c in columns}
        return {c: np.concatenate([_column(p, c) for p in parts]) for c in columns}


def _column(part: Part, name: str) -> np.ndarray:
    if isinstance(part, pd.DataFrame):
        return np.asarray(part[name].to_numpy())
    return part[name]


def string_array(values: np.ndarray) -> pa.Array:
    """A column as an arrow string array for the CSV writer; missing values (None, NaN)
    become empty strings, other objects their ``str``."""
    try:
        arr = pa.array(values, type=pa.string(), from_pandas=True)
    except (pa.ArrowTypeError, pa.ArrowInvalid):  # numbers or other objects in a text column
        return pa.array(["" if v is None or (isinstance(v, float) and v != v) else str(v) for v in values.tolist()],
                        type=pa.string())
    return arr.fill_null("") if arr.null_count else arr
