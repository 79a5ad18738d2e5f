"""Addresses on real postcodes of the right force, with plausible street addresses."""

from __future__ import annotations

import numpy as np
import pandas as pd

from toex.synth.refdata import postcodes, premises, streets, zipf_weights
from toex.synth.tables import Columns, object_frame

#: Mixing constant of the UPRN bijection (odd, so ids map to distinct numbers).
_UPRN_MULT = 2_654_435_761
_UPRN_MOD = 899_999_999_989


def uprn_of(eid: np.ndarray) -> np.ndarray:
    return np.asarray((eid.astype(np.int64) * _UPRN_MULT) % _UPRN_MOD + 100_000_000_000, dtype=np.int64)


def make_locations(
    rng: np.random.Generator, force: str, eids: np.ndarray, kind: str, premise: str | None = None
) -> pd.DataFrame:
    """:func:`location_columns` as a DataFrame."""
    return object_frame(dict(location_columns(rng, force, eids, kind, premise)))


def location_columns(
    rng: np.random.Generator, force: str, eids: np.ndarray, kind: str, premise: str | None = None
) -> Columns:
    """``len(eids)`` new locations in ``force``.

    kind: residential | hmo | commercial | hotel | public | care (a care home, written
    as residential). premise: which premises pool names commercial sites (shop, public,
    hotel, care).
    """
    n = len(eids)
    pc = postcodes(force)
    at = rng.integers(0, len(pc.postcode), size=n)
    names_, suffixes, _, sw = streets()
    street = names_[rng.choice(len(names_), size=n, p=zipf_weights(len(names_), 0.6))]
    suffix = suffixes[rng.choice(len(suffixes), size=n, p=sw)]
    number = rng.zipf(1.6, size=n) % 240 + 1
    flat = np.full(n, "", dtype=object)
    building = np.full(n, "", dtype=object)
    out_kind = kind
    if kind == "residential":
        has_flat = rng.random(n) < 0.22
        flat[has_flat] = (rng.integers(1, 12, size=int(has_flat.sum()))).astype(str)
    elif kind in ("commercial", "hotel", "public", "care"):
        pool = premises()[premise or {"commercial": "shop", "hotel": "hotel", "public": "public", "care": "care"}[kind]]
        building = pool[rng.integers(0, len(pool), size=n)]
        if kind == "care":
            lead = names_[rng.integers(0, len(names_), size=n)]
            building = np.asarray([f"{a} House" for a in lead], dtype=object)
            out_kind = "residential"
    num = number.astype(str).astype(object)
    if kind == "public":
        num = np.full(n, "", dtype=object)
    return {
        "eid": eids.astype(np.int64),
        "flat": flat,
        "building": building,
        "number": num,
        "street": street,
        "suffix": suffix,
        "town": pc.town[at],
        "postcode": pc.postcode[at],
        "latitude": np.round(pc.latitude[at] + rng.normal(0, 0.0004, n), 6),
        "longitude": np.round(pc.longitude[at] + rng.normal(0, 0.0006, n), 6),
        "kind": np.full(n, out_kind, dtype=object),
        "uprn": uprn_of(eids),
    }
