"""Render true entities as the records a source holds: the noise real records have.

Each function takes the canonical frame of the entities one source holds and
returns the columns of the POLE file, vectorised over the frame (Python loops only
over the small subsets a noise kind selects). Rates come from :class:`NoiseConfig`;
how a kind of source writes things (upper-case surnames, how often it records a
DOB or nationality) comes from :class:`SourceStyle`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from toex.synth.config import NoiseConfig
from toex.synth.refdata import StrArray, name_variants, names, streets


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


def _apply_variants(values: StrArray, mask: np.ndarray, table: dict[str, tuple[str, ...]], r: np.ndarray) -> np.ndarray:
    """Replace masked values that have variants; returns which were changed."""
    changed = np.zeros(len(values), dtype=bool)
    has = mask & pd.Series(values).isin(table.keys()).to_numpy()
    for i in np.flatnonzero(has):
        options = table[values[i]]
        values[i] = options[r[i] % len(options)]
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


def render_persons(df: pd.DataFrame, rng: np.random.Generator, noise: NoiseConfig, style: SourceStyle) -> pd.DataFrame:
    """persons.csv columns (without ref) for the canonical people ``df``."""
    n = len(df)
    first = df["first"].to_numpy(dtype=object).copy()
    middle = df["middle"].to_numpy(dtype=object).copy()
    surname = df["surname"].to_numpy(dtype=object).copy()
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
    upper = u[6] < style.upper_surname
    surname = np.where(upper, pd.Series(surname).str.upper().to_numpy(dtype=object), surname)
    out = pd.DataFrame({"forenames": forenames, "surname": surname})
    out["dob"] = render_dob(df["dob"].to_numpy(dtype="datetime64[D]"), rng, noise, style.dob_month_only)
    sex = df["sex"].to_numpy(dtype=object)
    out["sex"] = np.where(u[7] < noise.sex_missing, "", sex)
    nat = pd.Series(df["origin"]).map(names().nationality).fillna("").to_numpy(dtype=object)
    v = rng.random((3, n))
    out["nationality"] = np.where(v[0] < style.nationality, nat, "")
    pnc = df["pnc"].to_numpy(dtype=object)
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
    swapped = year + "-" + pd.Series(day).map("{:02d}".format).to_numpy(dtype=object) + "-" + pd.Series(mon).map("{:02d}".format).to_numpy(dtype=object)
    out = np.where((u[0] < noise.dob_swap) & (day <= 12) & (day != mon), swapped, full)
    partial = u[1] < noise.dob_partial
    out = np.where(partial, np.where(u[2] < 0.5, year, month), out)
    out = np.where(u[3] < noise.dob_missing, "", out)
    return np.asarray(out, dtype=object)


def render_aliases(df: pd.DataFrame, rng: np.random.Generator, mask: np.ndarray) -> StrArray:
    """'forenames surname' aliases: another forename, or another surname, of the same origin."""
    out = np.full(len(df), "", dtype=object)
    idx = np.flatnonzero(mask)
    if not len(idx):
        return out
    pool = names()
    r = _pick(rng, len(idx))
    for j, i in enumerate(idx):
        origin = str(df["origin"].iat[i])
        sex = "F" if df["sex"].iat[i] == "F" else "M"
        if r[j] % 2:
            fore = pool.forenames.get((origin, sex), pool.forenames[("british", sex)])
            out[i] = f"{fore[r[j] % len(fore)]} {df['surname'].iat[i]}"
        else:
            sur = pool.surnames.get(origin, pool.surnames["british"])
            out[i] = f"{df['first'].iat[i]} {sur[(r[j] >> 4) % len(sur)]}"
    return out


def canonical_address(df: pd.DataFrame) -> StrArray:
    """'Flat 3, Building, 27 Victoria Street' as the true entity's address line."""
    flat = df["flat"].to_numpy(dtype=object)
    building = df["building"].to_numpy(dtype=object)
    number = df["number"].to_numpy(dtype=object)
    street = df["street"].to_numpy(dtype=object) + " " + df["suffix"].to_numpy(dtype=object)
    line = np.where(number == "", street, number + " " + street)
    line = np.where(building == "", line, building + ", " + line)
    line = np.where(flat == "", line, "Flat " + flat + ", " + line)
    return np.asarray(line, dtype=object)


def render_locations(df: pd.DataFrame, rng: np.random.Generator, noise: NoiseConfig, style: SourceStyle) -> pd.DataFrame:
    n = len(df)
    flat = df["flat"].to_numpy(dtype=object)
    building = df["building"].to_numpy(dtype=object)
    number = df["number"].to_numpy(dtype=object)
    suffix = df["suffix"].to_numpy(dtype=object)
    _, suffixes, abbrevs, _ = streets()
    abbrev = pd.Series(suffix).map(dict(zip(suffixes, abbrevs, strict=True))).fillna(pd.Series(suffix)).to_numpy(dtype=object)
    street_full = df["street"].to_numpy(dtype=object) + " " + suffix
    street_abbr = df["street"].to_numpy(dtype=object) + " " + abbrev
    canonical = canonical_address(df)
    u = rng.random((6, n))
    choice = (u[1] * 4).astype(int)
    # variant 0: abbreviated street suffix
    v0 = canonical_address(df.assign(suffix=abbrev))
    # variant 1: flat number dropped (or abbreviated suffix when there is no flat)
    v1 = np.where(flat == "", v0, canonical_address(df.assign(flat="")))
    # variant 2: upper case, no commas
    v2 = pd.Series(canonical).str.upper().str.replace(",", "", regex=False).to_numpy(dtype=object)
    # variant 3: '3/27 Victoria St' for flats, else number and street without building
    short = np.where(number == "", street_abbr, number + " " + street_abbr)
    v3 = np.where((flat != "") & (building == ""), flat + "/" + short, np.where(building == "", short, building + " " + short))
    variant = np.select([choice == 0, choice == 1, choice == 2], [v0, v1, v2], v3)
    address = np.where(u[0] < noise.address_variant, variant, canonical)
    del street_full
    postcode = df["postcode"].to_numpy(dtype=object)
    pc_var = np.where(u[2] < 0.5, pd.Series(postcode).str.replace(" ", "", regex=False).to_numpy(dtype=object), pd.Series(postcode).str.lower().to_numpy(dtype=object))
    postcode = np.where(u[3] < noise.postcode_variant, pc_var, postcode)
    postcode = np.where(u[4] < noise.postcode_missing, "", postcode)
    v = rng.random((4, n))
    town = df["town"].to_numpy(dtype=object)
    town = np.where(v[0] < style.town, np.where(v[1] < 0.15, pd.Series(town).str.upper().to_numpy(dtype=object), town), "")
    coords = v[2] < style.coordinates
    return pd.DataFrame(
        {
            "address": address,
            "town": town,
            "postcode": postcode,
            "uprn": np.where(v[3] < style.uprn, df["uprn"].astype(str).to_numpy(dtype=object), ""),
            "latitude": np.where(coords, df["latitude"].map("{:.6f}".format).to_numpy(dtype=object), ""),
            "longitude": np.where(coords, df["longitude"].map("{:.6f}".format).to_numpy(dtype=object), ""),
            "kind": df["kind"].to_numpy(dtype=object),
        }
    )


def render_phone(values: StrArray, u: np.ndarray, rate: float) -> StrArray:
    """'07700900123' as 07..., '07700 900123', '+447700900123' or '447700900123'."""
    s = pd.Series(values, dtype=object)
    national = s.str.slice(1)
    intl = np.where(u < rate / 2, "+44" + national, "44" + national)
    spaced = s.str.slice(0, 5) + " " + s.str.slice(5)
    local = np.where(u > 0.8, spaced.to_numpy(dtype=object), values)
    return np.asarray(np.where(u < rate, intl, local), dtype=object)


def render_objects(df: pd.DataFrame, rng: np.random.Generator, noise: NoiseConfig) -> pd.DataFrame:
    kind = df["kind"].to_numpy(dtype=object)
    value = df["value"].to_numpy(dtype=object).copy()
    u = rng.random((2, len(df)))
    phone = kind == "phone"
    if phone.any():
        value[phone] = render_phone(value[phone], u[0][phone], noise.phone_international)
    veh = kind == "vehicle"
    if veh.any():
        s = pd.Series(value[veh], dtype=object)
        alt = np.where(u[1][veh] < 0.5, s.str.replace(" ", "", regex=False).to_numpy(dtype=object), s.str.lower().to_numpy(dtype=object))
        value[veh] = np.where(u[0][veh] < noise.vrm_variant, alt, value[veh])
    bank = kind == "bank-account"
    if bank.any():
        s = pd.Series(value[bank], dtype=object)
        alt = np.where(u[1][bank] < 0.5, s.str.replace("-", "", regex=False).to_numpy(dtype=object), s.str.replace(r"[- ]", "", regex=True).to_numpy(dtype=object))
        value[bank] = np.where(u[0][bank] < 0.5, alt, value[bank])
    return pd.DataFrame({"kind": kind, "value": value, "description": df["description"].to_numpy(dtype=object)})


def render_organisations(df: pd.DataFrame, rng: np.random.Generator, noise: NoiseConfig, style: SourceStyle, register: bool) -> pd.DataFrame:
    name = df["name"].to_numpy(dtype=object)
    if not register:
        u = rng.random((3, len(df)))
        s = pd.Series(name, dtype=object)
        base = s.str.replace(r" LIMITED$| LTD$", "", regex=True).str.title()
        alt = np.select(
            [u[1] < 0.3, u[1] < 0.6, u[1] < 0.8],
            [(base + " Ltd").to_numpy(dtype=object), (base + " Limited").to_numpy(dtype=object), (base + " Ltd.").to_numpy(dtype=object)],
            base.str.replace("&", "and", regex=False).to_numpy(dtype=object),
        )
        name = np.where(u[0] < noise.company_name_variant, alt, name)
        number = np.where(u[2] < style.company_number, df["company_number"].to_numpy(dtype=object), "")
        inc = np.full(len(df), "", dtype=object)
    else:
        number = df["company_number"].to_numpy(dtype=object)
        inc = df["incorporated"].to_numpy(dtype=object)
    return pd.DataFrame(
        {
            "name": name,
            "company_number": number,
            "kind": df["kind"].to_numpy(dtype=object),
            "incorporated": inc,
            "dissolved": df["dissolved"].to_numpy(dtype=object) if register else np.full(len(df), "", dtype=object),
            "sic_code": df["sic_code"].to_numpy(dtype=object) if register else np.full(len(df), "", dtype=object),
        }
    )
