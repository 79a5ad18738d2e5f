"""Write one source folder in the POLE exchange format, and its truth rows.

Refs look like each source's own numbering (crime ``37-24-012345``, custody
``SFK/C/2024/00123``, missing ``MP-2023-04417``, intelligence ``IR/2024/118230``,
NRM ``NRM-2024-05512``, companies: the company number) and are drawn in random
order, so neither the ref nor the row order tells planted records from background.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import yaml

from toex.ingest import pole_format as fmt
from toex.synth.config import NoiseConfig
from toex.synth.noise import (
    STYLES,
    render_locations,
    render_objects,
    render_organisations,
    render_persons,
)
from toex.synth.refdata import StrArray, force_codes
from toex.synth.tables import (
    EVENT_COLUMNS,
    LINK_COLUMNS,
    LOCATION_COLUMNS,
    OBJECT_COLUMNS,
    ORG_COLUMNS,
    PERSON_COLUMNS,
    Columns,
    SourceData,
    string_array,
    take,
    truth_ids,
)

RefFormat = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Written:
    """What one source wrote: rows per file and its truth rows (source, ref, kind, entity_id)."""

    source: str
    counts: dict[str, int]
    truth: Columns


def _unique_numbers(rng: np.random.Generator, n: int, start: int) -> np.ndarray:
    """n distinct numbers from ``start`` in random order (gaps, like a live system)."""
    step = 3
    return np.asarray(start + rng.permutation(n).astype(np.int64) * step + int(rng.integers(0, step)), dtype=np.int64)


def _fmt(prefix: str, nums: np.ndarray, width: int, suffix: str = "") -> np.ndarray:
    return _objects([f"{prefix}{n:0{width}d}{suffix}" for n in nums.tolist()])


def _objects(values: list[str]) -> StrArray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def entity_refs(kind: str, source_kind: str, force: str | None, nums: np.ndarray) -> np.ndarray:
    """Refs of persons/locations/objects/organisations in a source."""
    code, prefix = force_codes().get(force or "", ("00", "NAT"))
    letter = {"person": "N", "location": "L", "object": "X", "organisation": "C"}[kind]
    if source_kind == "crime":
        return _fmt(f"{code}{letter}", nums, 7)
    if source_kind == "custody":
        return _fmt(f"{prefix}/{letter}/", nums, 7)
    if source_kind == "missing":
        return _fmt(f"MP{letter}-", nums, 7)
    if source_kind == "intelligence":
        return _fmt(f"I{letter}/", nums, 7)
    if source_kind == "stop-search":
        return _fmt(f"SS{letter}-", nums, 7)
    if source_kind == "nrm":
        return _fmt(f"NRM{letter}-", nums, 7)
    if kind == "person":
        return _fmt("OF", nums, 9)
    if kind == "location":
        return _fmt("RA", nums, 8)
    return _fmt("X", nums, 8)


def event_refs(source_kind: str, force: str | None, when: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Event refs numbered per year in date order, e.g. ``37-24-012345``."""
    code, prefix = force_codes().get(force or "", ("00", "NAT"))
    year = when.astype("datetime64[Y]").astype(np.int64) + 1970
    order = np.lexsort((when,))
    serial = np.zeros(len(when), dtype=np.int64)
    for y in np.unique(year):
        idx = order[year[order] == y]
        serial[idx] = int(rng.integers(50, 3000)) + np.arange(len(idx))
    pairs = zip(year.tolist(), serial.tolist(), strict=True)
    if source_kind == "crime":
        out = [f"{code}-{str(y)[2:]}-{s:06d}" for y, s in pairs]
    elif source_kind == "custody":
        out = [f"{prefix}/C/{y}/{s:05d}" for y, s in pairs]
    elif source_kind == "missing":
        out = [f"MP-{y}-{s:05d}" for y, s in pairs]
    elif source_kind == "intelligence":
        out = [f"IR/{y}/{s + 100_000}" for y, s in pairs]
    elif source_kind == "stop-search":
        out = [f"SS-{prefix}-{y}-{s:06d}" for y, s in pairs]
    elif source_kind == "nrm":
        out = [f"NRM-{y}-{s:05d}" for y, s in pairs]
    else:
        out = [f"E-{y}-{s:06d}" for y, s in pairs]
    return _objects(out)


_CSV_OPTIONS = pacsv.WriteOptions(quoting_style="needed")


def _write_csv(columns: Columns, names: tuple[str, ...], path: Path) -> None:
    """Every column as a string column (every cell quoted, as ``quoting_style="needed"`` does)."""
    table = pa.table({c: string_array(columns[c]) for c in names})
    pacsv.write_csv(table, path, write_options=_CSV_OPTIONS)


def _dt(arr: np.ndarray) -> StrArray:
    arr = arr.astype("datetime64[s]")
    out = np.datetime_as_string(arr, unit="s").astype(object)
    return np.asarray(np.where(np.isnat(arr), "", out), dtype=object)


def _first_of(keys: np.ndarray) -> np.ndarray:
    """Positions of the first occurrence of each key, in their original order."""
    if not len(keys):
        return np.zeros(0, dtype=np.int64)
    _, first = np.unique(keys, return_index=True)
    return np.sort(first)


@dataclass(frozen=True)
class RefMap:
    """True entity id -> ref in a source, as sorted arrays (a vectorised dict)."""

    keys: np.ndarray
    refs: StrArray

    @classmethod
    def of(cls, keys: np.ndarray, refs: np.ndarray) -> RefMap:
        order = np.argsort(keys, kind="stable")
        return cls(np.asarray(keys, dtype=np.int64)[order], np.asarray(refs, dtype=object)[order])

    def __len__(self) -> int:
        return len(self.keys)

    def lookup(self, ids: np.ndarray) -> StrArray:
        """The refs of ``ids``; None where an id is not in the map."""
        out = np.full(len(ids), None, dtype=object)
        if not len(self.keys) or not len(ids):
            return out
        pos = np.minimum(np.searchsorted(self.keys, ids), len(self.keys) - 1)
        hit = self.keys[pos] == ids
        out[hit] = self.refs[pos[hit]]
        return out

    def contains(self, ids: np.ndarray) -> np.ndarray:
        if not len(self.keys):
            return np.zeros(len(ids), dtype=bool)
        pos = np.minimum(np.searchsorted(self.keys, ids), len(self.keys) - 1)
        return np.asarray(self.keys[pos] == ids, dtype=bool)


def _as_int(values: np.ndarray, missing: int | None = None) -> np.ndarray:
    """Integer ids (object or float columns from concatenated parts included)."""
    if missing is not None and values.dtype.kind in "fO":
        values = np.where(pd.isna(values), missing, values)
    return np.asarray(values.astype(np.int64), dtype=np.int64)


def write_source(data: SourceData, root: Path, rng: np.random.Generator, noise: NoiseConfig, extracted: str) -> Written:
    """Render and write ``data`` to ``root/<source id>/``; return its truth rows.

    Works on plain numpy columns (no DataFrame per file): the fixed cost per source is
    what dominates small datasets of many sources. Random draws happen in a fixed order
    (entity kinds, then event refs, then links) so output is byte-identical for a seed.
    """
    spec = data.spec
    style = STYLES[spec.kind]
    folder = root / spec.id
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "source.yaml").write_text(
        yaml.safe_dump(
            {"id": spec.id, "name": spec.name, "owner": spec.owner, "kind": spec.kind,
             "extracted": extracted, "classification": "OFFICIAL-SENSITIVE"},
            sort_keys=False,
        ),
        encoding="utf-8",
    )
    refmaps: dict[str, RefMap] = {}
    truth: list[Columns] = []
    counts: dict[str, int] = {}
    rendered: dict[str, Columns] = {}
    specs = (
        ("person", "persons", PERSON_COLUMNS), ("location", "locations", LOCATION_COLUMNS),
        ("object", "objects", OBJECT_COLUMNS), ("organisation", "organisations", ORG_COLUMNS),
    )
    dup_of: RefMap | None = None
    for kind, file, cols in specs:
        canon = data.columns(file, cols)
        canon = take(canon, _first_of(_as_int(canon["eid"])))
        canon["eid"] = _as_int(canon["eid"])
        n = len(canon["eid"])
        if kind == "person" and n:
            dups = np.flatnonzero(rng.random(n) < noise.duplicate_record)
            canon = take(canon, np.concatenate([np.arange(n), dups]))
            dup_mask = np.zeros(n + len(dups), dtype=bool)
            dup_mask[n:] = True
            n += len(dups)
        if kind == "organisation" and spec.kind == "companies":
            refs = np.asarray(canon["company_number"], dtype=object)
        else:
            refs = entity_refs(kind, spec.kind, spec.force, _unique_numbers(rng, n, int(rng.integers(10_000, 400_000))))
        if kind == "person":
            body = render_persons(canon, rng, noise, style)
        elif kind == "location":
            body = render_locations(canon, rng, noise, style)
        elif kind == "object":
            body = render_objects(canon, rng, noise)
        else:
            body = render_organisations(canon, rng, noise, style, register=spec.kind == "companies")
        body["ref"] = refs
        eids = canon["eid"]
        if kind == "person" and n:
            refmaps[kind] = RefMap.of(eids[~dup_mask], refs[~dup_mask])
            dup_of = RefMap.of(eids[dup_mask], refs[dup_mask])
        else:
            refmaps[kind] = RefMap.of(eids, refs)
        rendered[file] = body
        truth.append({"source": np.full(n, spec.id, dtype=object), "ref": refs, "kind": np.full(n, kind, dtype=object),
                      "entity_id": truth_ids(kind, eids)})
    events = data.columns("events", EVENT_COLUMNS)
    keys = _as_int(events["key"])
    events = take(events, _first_of(keys))
    keys = _as_int(events["key"])
    when = events["occurred_from"].astype("datetime64[s]")
    erefs = event_refs(spec.kind, spec.force, when, rng)
    refmaps["event"] = RefMap.of(keys, erefs)
    loc = _as_int(events["loc"], missing=-1)
    loc_ref = refmaps["location"].lookup(loc)
    if any(r is None for r in loc_ref[loc >= 0].tolist()):
        raise ValueError(f"{spec.id}: event location not among the source's locations")
    loc_ref[loc < 0] = ""
    rendered["events"] = {
        "ref": erefs, "kind": events["kind"], "occurred_from": _dt(events["occurred_from"]),
        "occurred_to": _dt(events["occurred_to"]), "force": events["force"], "location_ref": loc_ref,
        "offence_code": events["offence_code"], "category": events["category"],
        "description": events["description"], "grading": events["grading"], "outcome": events["outcome"],
    }
    links = data.columns("links", LINK_COLUMNS)
    links = take(links, _first_of_links(links))
    rendered["links"] = _map_links(links, refmaps, dup_of, rng, spec.id)
    for file in fmt.FILES:
        cols_ = rendered[file]
        n = len(cols_["ref"] if file != "links" else cols_["from_ref"])
        if file != "links" and n:
            order = np.argsort(cols_["ref"].astype(str), kind="stable")
            cols_ = {c: np.asarray(v)[order] for c, v in cols_.items()}
        if n:
            _write_csv(cols_, fmt.COLUMNS[file], folder / f"{file}.csv")
        counts[file] = n
    return Written(spec.id, counts, {c: np.concatenate([t[c] for t in truth]) for c in TRUTH_COLUMNS})


TRUTH_COLUMNS = ("source", "ref", "kind", "entity_id")


def _first_of_links(links: Columns) -> np.ndarray:
    """First occurrence of each (from_kind, from_id, to_kind, to_id, role)."""
    n = len(links["role"])
    if not n:
        return np.zeros(0, dtype=np.int64)
    parts = []
    for c in ("from_kind", "from_id", "to_kind", "to_id", "role"):
        values = links[c]
        if c.endswith("_id"):
            parts.append(_as_int(values))
        else:
            parts.append(pd.factorize(values)[0].astype(np.int64))
    stacked = np.ascontiguousarray(np.stack(parts, axis=1))
    row = stacked.view(np.dtype((np.void, stacked.dtype.itemsize * stacked.shape[1]))).ravel()
    _, first = np.unique(row, return_index=True)
    return np.sort(first)


def _map_links(links: Columns, refmaps: dict[str, RefMap], dup_of: RefMap | None,
               rng: np.random.Generator, source: str) -> Columns:
    n = len(links["role"])
    ends = []
    for side in ("from", "to"):
        kinds = np.asarray(links[f"{side}_kind"], dtype=object)
        ids = _as_int(links[f"{side}_id"])
        ref = np.full(n, None, dtype=object)
        for kind, refmap in refmaps.items():
            m = kinds == kind
            if m.any():
                ref[m] = refmap.lookup(ids[m])
        if dup_of is not None and len(dup_of):
            m = (kinds == "person") & dup_of.contains(ids) & (rng.random(n) < 0.5)
            ref[m] = dup_of.lookup(ids[m])
        missing = np.array([r is None for r in ref.tolist()], dtype=bool)
        if missing.any():
            bad = [{c: links[c][i] for c in links} for i in np.flatnonzero(missing)[:3]]
            raise ValueError(f"{source}: links to records the source does not hold: {bad}")
        ends.append(ref)
    return {"from_ref": ends[0], "to_ref": ends[1], "role": np.asarray(links["role"], dtype=object),
            "since": np.asarray(links["since"], dtype=object), "until": np.asarray(links["until"], dtype=object)}
