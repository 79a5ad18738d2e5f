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

from toex.synth import pole as fmt
from toex.synth.config import NoiseConfig
from toex.synth.noise import (
    STYLES,
    render_locations,
    render_objects,
    render_organisations,
    render_persons,
)
from toex.synth.refdata import force_codes
from toex.synth.tables import (
    EVENT_COLUMNS,
    LINK_COLUMNS,
    LOCATION_COLUMNS,
    OBJECT_COLUMNS,
    ORG_COLUMNS,
    PERSON_COLUMNS,
    SourceData,
    truth_id,
)

RefFormat = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Written:
    """What one source wrote: rows per file and its truth rows."""

    source: str
    counts: dict[str, int]
    truth: pd.DataFrame


def _unique_numbers(rng: np.random.Generator, n: int, start: int) -> np.ndarray:
    """n distinct numbers from ``start`` in random order (gaps, like a live system)."""
    step = 3
    return np.asarray(start + rng.permutation(n).astype(np.int64) * step + int(rng.integers(0, step)), dtype=np.int64)


def _fmt(prefix: str, nums: np.ndarray, width: int, suffix: str = "") -> np.ndarray:
    s = pd.Series(nums).astype(str).str.zfill(width)
    return np.asarray((prefix + s + suffix).to_numpy(dtype=object), dtype=object)


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
    ys = pd.Series(year).astype(str)
    s = pd.Series(serial).astype(str)
    if source_kind == "crime":
        out = code + "-" + ys.str.slice(2) + "-" + s.str.zfill(6)
    elif source_kind == "custody":
        out = prefix + "/C/" + ys + "/" + s.str.zfill(5)
    elif source_kind == "missing":
        out = "MP-" + ys + "-" + s.str.zfill(5)
    elif source_kind == "intelligence":
        out = "IR/" + ys + "/" + (s.astype(int) + 100_000).astype(str)
    elif source_kind == "stop-search":
        out = "SS-" + prefix + "-" + ys + "-" + s.str.zfill(6)
    elif source_kind == "nrm":
        out = "NRM-" + ys + "-" + s.str.zfill(5)
    else:
        out = "E-" + ys + "-" + s.str.zfill(6)
    return np.asarray(out.to_numpy(dtype=object), dtype=object)


def _write_csv(df: pd.DataFrame, path: Path) -> None:
    table = pa.Table.from_pandas(df.astype(str), preserve_index=False)
    pacsv.write_csv(table, path, write_options=pacsv.WriteOptions(quoting_style="needed"))


def _dt(values: pd.Series) -> np.ndarray:
    arr = values.to_numpy(dtype="datetime64[s]")
    out = np.datetime_as_string(arr, unit="s").astype(object)
    return np.asarray(np.where(np.isnat(arr), "", out), dtype=object)


def write_source(data: SourceData, root: Path, rng: np.random.Generator, noise: NoiseConfig, extracted: str) -> Written:
    """Render and write ``data`` to ``root/<source id>/``; return its truth rows."""
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
    refmaps: dict[str, pd.Series] = {}
    truth: list[pd.DataFrame] = []
    counts: dict[str, int] = {}
    rendered: dict[str, pd.DataFrame] = {}
    specs = (
        ("person", "persons", PERSON_COLUMNS), ("location", "locations", LOCATION_COLUMNS),
        ("object", "objects", OBJECT_COLUMNS), ("organisation", "organisations", ORG_COLUMNS),
    )
    dup_of: pd.Series | None = None
    for kind, file, cols in specs:
        canon = data.frame(file, cols).drop_duplicates("eid", keep="first").reset_index(drop=True)
        canon["eid"] = canon["eid"].astype(np.int64)
        if kind == "person" and len(canon):
            dups = canon[rng.random(len(canon)) < noise.duplicate_record]
            canon = pd.concat([canon, dups], ignore_index=True)
            dup_mask = np.zeros(len(canon), dtype=bool)
            dup_mask[len(canon) - len(dups):] = True
        if kind == "organisation" and spec.kind == "companies":
            refs = canon["company_number"].to_numpy(dtype=object)
        else:
            refs = entity_refs(kind, spec.kind, spec.force, _unique_numbers(rng, len(canon), int(rng.integers(10_000, 400_000))))
        if kind == "person":
            body = render_persons(canon, rng, noise, style)
        elif kind == "location":
            body = render_locations(canon, rng, noise, style)
        elif kind == "object":
            body = render_objects(canon, rng, noise)
        else:
            body = render_organisations(canon, rng, noise, style, register=spec.kind == "companies")
        body.insert(0, "ref", refs)
        if kind == "person" and len(canon):
            first = ~dup_mask
            refmaps[kind] = pd.Series(refs[first], index=canon["eid"].to_numpy()[first])
            dup_of = pd.Series(refs[dup_mask], index=canon["eid"].to_numpy()[dup_mask])
        else:
            refmaps[kind] = pd.Series(refs, index=canon["eid"].to_numpy())
        rendered[file] = body
        truth.append(pd.DataFrame({"source": spec.id, "ref": refs, "kind": kind,
                                   "entity_id": [truth_id(kind, int(e)) for e in canon["eid"]]}))
    events = data.frame("events", EVENT_COLUMNS).drop_duplicates("key").reset_index(drop=True)
    when = events["occurred_from"].to_numpy(dtype="datetime64[s]")
    erefs = event_refs(spec.kind, spec.force, when, rng)
    refmaps["event"] = pd.Series(erefs, index=events["key"].to_numpy(dtype=np.int64))
    loc = events["loc"].fillna(-1).astype(np.int64)
    loc_ref = loc.map(refmaps["location"]).where(loc >= 0, "")
    if loc_ref.isna().any():
        raise ValueError(f"{spec.id}: event location not among the source's locations")
    rendered["events"] = pd.DataFrame(
        {
            "ref": erefs, "kind": events["kind"], "occurred_from": _dt(events["occurred_from"]),
            "occurred_to": _dt(events["occurred_to"]), "force": events["force"], "location_ref": loc_ref,
            "offence_code": events["offence_code"], "category": events["category"],
            "description": events["description"], "grading": events["grading"], "outcome": events["outcome"],
        }
    ).fillna("")
    links = data.frame("links", LINK_COLUMNS).drop_duplicates(["from_kind", "from_id", "to_kind", "to_id", "role"])
    out_links = _map_links(links, refmaps, dup_of, rng, spec.id)
    rendered["links"] = out_links
    for file in fmt.FILES:
        df = rendered[file]
        if file != "links":
            df = df.sort_values("ref", kind="stable")
        if len(df):
            _write_csv(df.loc[:, list(fmt.COLUMNS[file])], folder / f"{file}.csv")
        counts[file] = len(df)
    return Written(spec.id, counts, pd.concat(truth, ignore_index=True))


def _map_links(links: pd.DataFrame, refmaps: dict[str, pd.Series], dup_of: pd.Series | None,
               rng: np.random.Generator, source: str) -> pd.DataFrame:
    ends = []
    for side in ("from", "to"):
        kinds = links[f"{side}_kind"].to_numpy(dtype=object)
        ids = links[f"{side}_id"].astype(np.int64)
        ref = pd.Series(np.full(len(links), None, dtype=object), index=links.index)
        for kind, refmap in refmaps.items():
            m = kinds == kind
            if m.any():
                ref[m] = ids[m].map(refmap).to_numpy(dtype=object)
        if dup_of is not None and len(dup_of):
            m = (kinds == "person") & ids.isin(dup_of.index).to_numpy() & (rng.random(len(links)) < 0.5)
            ref[m] = ids[m].map(dup_of).to_numpy(dtype=object)
        if ref.isna().any():
            bad = links[ref.isna().to_numpy()].head(3).to_dict("records")
            raise ValueError(f"{source}: links to records the source does not hold: {bad}")
        ends.append(ref.to_numpy(dtype=object))
    out = pd.DataFrame({"from_ref": ends[0], "to_ref": ends[1], "role": links["role"].to_numpy(dtype=object),
                        "since": links["since"].fillna("").to_numpy(dtype=object),
                        "until": links["until"].fillna("").to_numpy(dtype=object)})
    return out
