"""Render true entities as the records a source holds: the noise real records have.

Each function takes the canonical columns (numpy arrays) of the entities one source
holds and returns the columns of the POLE file, vectorised with numpy; string edits
are Python list comprehensions (no pandas: the per-call overhead of pandas is what
dominated many small sources). Rates come from :class:`NoiseConfig`;
how a kind of source writes things (upper-case surnames, how often it records a
DOB or nationality) comes from :class:`SourceStyle`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from toex.synth.config import NoiseConfig
from toex.synth.refdata import StrArray, name_variants, names, streets

#: Canonical columns of the entities a source holds.
Canon = Mapping[str, np.ndarray]


@dataclass(frozen=True)
class SourceStyle:
    """How one kind of source records things."""

    upper_surname: float = 0.0
    nationality: float = 0.3
    pnc: float = 0.3
    dob_month_only: bool = False
    uprn: float = 0.2
    coordinates: float = 0.3
    town: float = 0.85
    company_number: float = 0.3


STYLES: dict[str, SourceStyle] = {
    "crime": SourceStyle(upper_surname=0.1, nationality=0.4, pnc=0.35, uprn=0.3, coordinates=0.7),
    "custody": SourceStyle(upper_surname=0.9, nationality=0.9, pnc=0.9, uprn=0.2, coordinates=0.1),
    "missing": SourceStyle(nationality=0.5, pnc=0.1, uprn=0.3, coordinates=0.3),
    "intelligence": SourceStyle(upper_surname=0.6, nationality=0.3, pnc=0.5, uprn=0.1, coordinates=0.2),
    "stop-search": SourceStyle(nationality=0.2, pnc=0.15, uprn=0.0, coordinates=0.8, town=0.6),
    "nrm": SourceStyle(nationality=1.0, pnc=0.0, uprn=0.0, coordinates=0.0, company_number=0.2),
    "companies": SourceStyle(nationality=0.95, pnc=0.0, dob_month_only=True, uprn=0.0, coordinates=0.0, town=1.0, company_number=1.0),
}


def _pick(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.integers(0, 1 << 30, size=n)


def _objects(values: list[str]) -> StrArray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _strs(values: np.ndarray) -> StrArray:
    return np.asarray(values, dtype=object)


def _apply_variants(values: StrArray, mask: np.ndarray, table: dict[str, tuple[str, ...]], r: np.ndarray) -> np.ndarray:
    """Replace masked values that have variants; returns which were changed."""
    changed = np.zeros(len(values), dtype=bool)
    for i in np.flatnonzero(mask).tolist():
        options = table.get(values[i])
        if options is not None:
            values[i] = options[int(r[i]) % len(options)]
            changed[i] = True
    return changed


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def typo(word: str, r: int) -> str:
    """One character edit: substitute, delete, transpose or double a letter."""
    if len(word) < 3:
        return word + word[-1:]
    pos = 1 + r % (len(word) - 2)
    op = (r >> 8) % 4
    if op == 0:
        return word[:pos] + _LETTERS[(r >> 12) % 26] + word[pos + 1 :]
    if op == 1:
        return word[:pos] + word[pos + 1 :]
    if op == 2:
        return word[:pos] + word[pos + 1] + word[pos] + word[pos + 2 :]
    return word[:pos] + word[pos] + word[pos:]


def _upper_where(values: StrArray, mask: np.ndarray) -> StrArray:
    out = values.copy()
    for i in np.flatnonzero(mask).tolist():
        out[i] = str(out[i]).upper()
    return out


def render_persons(df: Canon, rng: np.random.Generator, noise: NoiseConfig, style: SourceStyle) -> dict[str, np.ndarray]:
    """persons.csv columns (without ref) for the canonical people ``df``."""
    n = len(df["eid"])
    first = _strs(df["first"]).copy()
    middle = _strs(df["middle"]).copy()
    surname = _strs(df["surname"]).copy()
    variants = name_variants()
    u = rng.random((8, n))
    r = _pick(rng, n)
    for values in (first, surname):
        _apply_variants(values, u[0] < noise.transliteration, variants.get("transliteration", {}), r)
        _apply_variants(values, u[1] < noise.transliteration / 4, variants.get("spelling", {}), r >> 3)
    _apply_variants(first, u[2] < noise.nickname, variants.get("nickname", {}), r >> 5)
    middle = np.where(u[3] < noise.drop_middle, "", middle)
    typo_mask = u[4] < noise.typo
    on_first = (r >> 7) % 2 == 0
    for i in np.flatnonzero(typo_mask):
        if on_first[i]:
            first[i] = typo(str(first[i]), int(r[i] >> 9))
        else:
            surname[i] = typo(str(surname[i]), int(r[i] >> 9))
    forenames = np.where(middle == "", first, first + " " + middle)
    swap = u[5] < noise.swap_names
    forenames, surname = np.where(swap, surname, forenames), np.where(swap, forenames, surname)
    surname = _upper_where(_strs(surname), u[6] < style.upper_surname)
    out: dict[str, np.ndarray] = {"forenames": _strs(forenames), "surname": surname}
    out["dob"] = render_dob(np.asarray(df["dob"]).astype("datetime64[D]"), rng, noise, style.dob_month_only)
    sex = _strs(df["sex"])
    out["sex"] = np.where(u[7] < noise.sex_missing, "", sex)
    nationality = names().nationality
    nat = _objects([nationality.get(o, "") for o in df["origin"].tolist()])
    v = rng.random((3, n))
    out["nationality"] = np.where(v[0] < style.nationality, nat, "")
    pnc = _strs(df["pnc"])
    out["pnc_id"] = np.where(v[1] < style.pnc, pnc, "")
    out["aliases"] = render_aliases(df, rng, v[2] < noise.alias)
    return out


def render_dob(dob: np.ndarray, rng: np.random.Generator, noise: NoiseConfig, month_only: bool) -> StrArray:
    """ISO dates of birth with missing, partial and day/month-swapped ones."""
    full = np.datetime_as_string(dob, unit="D").astype(object)
    if month_only:
        return np.asarray(np.datetime_as_string(dob, unit="M").astype(object), dtype=object)
    year = np.datetime_as_string(dob, unit="Y").astype(object)
    month = np.datetime_as_string(dob, unit="M").astype(object)
    day = (dob - dob.astype("datetime64[M]")).astype(np.int64) + 1
    mon = dob.astype("datetime64[M]").astype(np.int64) % 12 + 1
    u = rng.random((4, len(dob)))
    out = full.copy()
    for i in np.flatnonzero((u[0] < noise.dob_swap) & (day <= 12) & (day != mon)).tolist():
        out[i] = f"{year[i]}-{int(day[i]):02d}-{int(mon[i]):02d}"
    partial = u[1] < noise.dob_partial
    out = np.where(partial, np.where(u[2] < 0.5, year, month), out)
    out = np.where(u[3] < noise.dob_missing, "", out)
    return np.asarray(out, dtype=object)


def render_aliases(df: Canon, rng: np.random.Generator, mask: np.ndarray) -> StrArray:
    """'forenames surname' aliases: another forename, or another surname, of the same origin."""
    out = np.full(len(mask), "", dtype=object)
    idx = np.flatnonzero(mask)
    if not len(idx):
        return out
    pool = names()
    r = _pick(rng, len(idx))
    origin, sexes, surname, first = df["origin"], df["sex"], df["surname"], df["first"]
    for j, i in enumerate(idx):
        o = str(origin[i])
        sex = "F" if sexes[i] == "F" else "M"
        if r[j] % 2:
            fore = pool.forenames.get((o, sex), pool.forenames[("british", sex)])
            out[i] = f"{fore[r[j] % len(fore)]} {surname[i]}"
        else:
            sur = pool.surnames.get(o, pool.surnames["british"])
            out[i] = f"{first[i]} {sur[(r[j] >> 4) % len(sur)]}"
    return out


def canonical_address(df: Canon) -> StrArray:
    """'Flat 3, Building, 27 Victoria Street' as the true entity's address line."""
    flat = _strs(df["flat"])
    building = _strs(df["building"])
    number = _strs(df["number"])
    street = _strs(df["street"]) + " " + _strs(df["suffix"])
    line = np.where(number == "", street, number + " " + street)
    line = np.where(building == "", line, building + ", " + line)
    line = np.where(flat == "", line, "Flat " + flat + ", " + line)
    return np.asarray(line, dtype=object)


def _abbreviations() -> dict[str, str]:
    _, suffixes, abbrevs, _ = streets()
    return {str(s): str(a) for s, a in zip(suffixes, abbrevs, strict=True) if isinstance(a, str)}


def _address_variants(df: Canon, canonical: StrArray, choice: np.ndarray) -> StrArray:
    """The address written differently, one of four ways by ``choice`` (0-3)."""
    flat = _strs(df["flat"])
    building = _strs(df["building"])
    number = _strs(df["number"])
    short_suffix = _abbreviations()
    abbrev = _objects([short_suffix.get(s, s) for s in _strs(df["suffix"]).tolist()])
    street_abbr = _strs(df["street"]) + " " + abbrev
    # variant 0: abbreviated street suffix
    v0 = canonical_address({**df, "suffix": abbrev})
    # variant 1: flat number dropped (or abbreviated suffix when there is no flat)
    v1 = np.where(flat == "", v0, canonical_address({**df, "flat": np.full(len(flat), "", dtype=object)}))
    # variant 2: upper case, no commas
    v2 = _objects([a.upper().replace(",", "") for a in canonical.tolist()])
    # variant 3: '3/27 Victoria St' for flats, else number and street without building
    short = np.where(number == "", street_abbr, number + " " + street_abbr)
    v3 = np.where((flat != "") & (building == ""), flat + "/" + short, np.where(building == "", short, building + " " + short))
    return np.asarray(np.select([choice == 0, choice == 1, choice == 2], [v0, v1, v2], v3), dtype=object)


def render_locations(df: Canon, rng: np.random.Generator, noise: NoiseConfig, style: SourceStyle) -> dict[str, np.ndarray]:
    n = len(df["eid"])
    canonical = canonical_address(df)
    u = rng.random((6, n))
    address = canonical.copy()
    varied = np.flatnonzero(u[0] < noise.address_variant)
    if len(varied):
        address[varied] = _address_variants(
            {c: np.asarray(df[c])[varied] for c in ("flat", "building", "number", "street", "suffix")},
            canonical[varied], (u[1][varied] * 4).astype(int))
    postcode = _strs(df["postcode"])
    pc_var = np.where(u[2] < 0.5, _objects([p.replace(" ", "") for p in postcode.tolist()]),
                      _objects([p.lower() for p in postcode.tolist()]))
    postcode = np.where(u[3] < noise.postcode_variant, pc_var, postcode)
    postcode = np.where(u[4] < noise.postcode_missing, "", postcode)
    v = rng.random((4, n))
    town = _strs(df["town"])
    town = np.where(v[0] < style.town, _upper_where(town, v[1] < 0.15), "")
    coords = v[2] < style.coordinates
    uprn, lat, lon = df["uprn"].tolist(), df["latitude"].tolist(), df["longitude"].tolist()
    return {
        "address": _strs(address),
        "town": _strs(town),
        "postcode": _strs(postcode),
        "uprn": _objects([str(uprn[i]) if keep else "" for i, keep in enumerate((v[3] < style.uprn).tolist())]),
        "latitude": _objects([f"{lat[i]:.6f}" if keep else "" for i, keep in enumerate(coords.tolist())]),
        "longitude": _objects([f"{lon[i]:.6f}" if keep else "" for i, keep in enumerate(coords.tolist())]),
        "kind": _strs(df["kind"]),
    }


def render_phone(values: StrArray, u: np.ndarray, rate: float) -> StrArray:
    """'07700900123' as 07..., '07700 900123', '+447700900123' or '447700900123'."""
    out = []
    for s, x in zip(values.tolist(), u.tolist(), strict=True):
        if x < rate:
            out.append(("+44" if x < rate / 2 else "44") + s[1:])
        elif x > 0.8:
            out.append(s[:5] + " " + s[5:])
        else:
            out.append(s)
    return _objects(out)


def render_objects(df: Canon, rng: np.random.Generator, noise: NoiseConfig) -> dict[str, np.ndarray]:
    kind = _strs(df["kind"])
    value = _strs(df["value"]).copy()
    u = rng.random((2, len(kind)))
    phone = kind == "phone"
    if phone.any():
        value[phone] = render_phone(value[phone], u[0][phone], noise.phone_international)
    veh = kind == "vehicle"
    if veh.any():
        vals = value[veh].tolist()
        alt = _objects([s.replace(" ", "") if x < 0.5 else s.lower() for s, x in zip(vals, u[1][veh].tolist(), strict=True)])
        value[veh] = np.where(u[0][veh] < noise.vrm_variant, alt, value[veh])
    bank = kind == "bank-account"
    if bank.any():
        vals = value[bank].tolist()
        alt = _objects([s.replace("-", "") if x < 0.5 else re.sub(r"[- ]", "", s) for s, x in zip(vals, u[1][bank].tolist(), strict=True)])
        value[bank] = np.where(u[0][bank] < 0.5, alt, value[bank])
    doc = kind == "document"
    if doc.any():
        value[doc] = render_documents(value[doc], rng, noise)
    return {"kind": kind, "value": value, "description": _strs(df["description"])}


def document_typo(number: str, r: int) -> str:
    """One character of a document number changed (a digit for a digit, a letter for a
    letter) or two adjacent different characters transposed; never the number itself."""
    pos = r % len(number)
    if (r >> 8) % 2 and len(number) > 1:
        pos = min(pos, len(number) - 2)
        if number[pos] != number[pos + 1]:
            return number[:pos] + number[pos + 1] + number[pos] + number[pos + 2 :]
    pool = "0123456789" if number[pos].isdigit() else _LETTERS.upper()
    others = pool.replace(number[pos], "")
    return number[:pos] + others[(r >> 12) % len(others)] + number[pos + 1 :]


def _spaced(number: str, r: int) -> str:
    """A number written with spaces: its letters apart, or in groups of three or four."""
    lead = len(number) - len(number.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    if lead and r % 2:
        return number[:lead] + " " + number[lead:]
    size = 3 + (r >> 1) % 2
    return " ".join(number[i : i + size] for i in range(0, len(number), size))


def render_documents(values: StrArray, rng: np.random.Generator, noise: NoiseConfig) -> StrArray:
    """Document numbers as written: a few with a typo, some with spaces or in lower case
    (which ingest normalises away)."""
    out = values.copy()
    u = rng.random((2, len(values)))
    r = _pick(rng, len(values))
    for i in np.flatnonzero(u[0] < noise.document_typo).tolist():
        out[i] = document_typo(str(out[i]), int(r[i]))
    for i in np.flatnonzero(u[1] < noise.document_variant).tolist():
        number = str(out[i])
        out[i] = number.lower() if (r[i] >> 20) & 1 and number.upper() != number.lower() else _spaced(number, int(r[i] >> 21))
    return out


def render_organisations(df: Canon, rng: np.random.Generator, noise: NoiseConfig, style: SourceStyle, register: bool) -> dict[str, np.ndarray]:
    name = _strs(df["name"])
    n = len(name)
    if not register:
        u = rng.random((3, n))
        if n:
            # a few rows per source: pandas' (pyarrow) title-casing is kept as is
            s = pd.Series(name, dtype=object)
            base = s.str.replace(r" LIMITED$| LTD$", "", regex=True).str.title()
            alt = np.select(
                [u[1] < 0.3, u[1] < 0.6, u[1] < 0.8],
                [(base + " Ltd").to_numpy(dtype=object), (base + " Limited").to_numpy(dtype=object), (base + " Ltd.").to_numpy(dtype=object)],
                base.str.replace("&", "and", regex=False).to_numpy(dtype=object),
            )
            name = np.where(u[0] < noise.company_name_variant, alt, name)
        number = np.where(u[2] < style.company_number, _strs(df["company_number"]), "")
        inc = np.full(n, "", dtype=object)
    else:
        number = _strs(df["company_number"])
        inc = _strs(df["incorporated"])
    return {
        "name": _strs(name),
        "company_number": _strs(number),
        "kind": _strs(df["kind"]),
        "incorporated": inc,
        "dissolved": _strs(df["dissolved"]) if register else np.full(n, "", dtype=object),
        "sic_code": _strs(df["sic_code"]) if register else np.full(n, "", dtype=object),
    }
