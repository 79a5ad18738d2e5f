"""The haystack of one force: its population, their homes, and the records of its five
sources (crime, custody, missing, intelligence, stop-search), plus its share of the
national companies register and NRM.

Everything is vectorised with numpy over the force's population and events; a force
is built from its own random streams, so forces can be generated one at a time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from toex.synth import documents
from toex.synth.config import SynthConfig
from toex.synth.names import (
    origin_weights,
    sample_forenames,
    sample_middles,
    sample_origins,
    sample_surnames,
)
from toex.synth.places import location_columns, make_locations
from toex.synth.refdata import crime_mix, force_ids, names, offence_info, sic_codes
from toex.synth.rng import rng_for
from toex.synth.tables import (
    BLOCK,
    LOCATION_COLUMNS,
    OBJECT_COLUMNS,
    ORG_COLUMNS,
    PERSON_COLUMNS,
    Columns,
    SourceData,
    SourceSpec,
    frame_columns,
    object_frame,
    take,
)
from toex.synth.timeline import Timeline

#: Share of offences with an identified suspect, by police.uk category (else the config default).
SUSPECT_RATE = {
    "shoplifting": 0.55, "drugs": 0.97, "possession-of-weapons": 0.92, "public-order": 0.55,
    "burglary": 0.12, "vehicle-crime": 0.08, "bicycle-theft": 0.06, "theft-from-the-person": 0.1,
    "violent-crime": 0.6, "robbery": 0.25, "criminal-damage-arson": 0.2, "other-theft": 0.2,
    "other-crime": 0.5,
}
#: Share of offences with a personal victim, by category.
VICTIM_RATE = {
    "violent-crime": 0.95, "robbery": 0.8, "burglary": 0.75, "theft-from-the-person": 0.95,
    "bicycle-theft": 0.9, "vehicle-crime": 0.9, "criminal-damage-arson": 0.6, "other-theft": 0.6,
    "public-order": 0.5, "other-crime": 0.3, "shoplifting": 0.0, "drugs": 0.0, "possession-of-weapons": 0.0,
}
OUTCOMES = np.array(
    ["Offender charged", "Under investigation", "Unable to prosecute suspect", "Local resolution",
     "Offender given a caution", "Formal action is not in the public interest"], dtype=object)
OUTCOME_P = np.array([0.28, 0.22, 0.3, 0.1, 0.06, 0.04])
NO_SUSPECT = "Investigation complete; no suspect identified"


def force_volumes(cfg: SynthConfig) -> dict[str, float]:
    """Each force's share of background offences: its Home Office recorded-crime share."""
    mix = crime_mix()
    chosen = set(cfg.forces) if cfg.forces else set(force_ids())
    totals = mix[mix["force_id"].isin(chosen)].groupby("force_id")["offences"].sum().sort_index()
    return {str(k): float(v) for k, v in (totals / totals.sum()).items()}


def allocate(total: int, shares: dict[str, float]) -> dict[str, int]:
    """Largest-remainder split of ``total`` by ``shares`` (deterministic)."""
    keys = sorted(shares)
    raw = np.array([shares[k] * total for k in keys])
    base = np.floor(raw).astype(np.int64)
    rest = int(total - base.sum())
    order = np.argsort(-(raw - base), kind="stable")
    base[order[:rest]] += 1
    return dict(zip(keys, (int(b) for b in base), strict=True))


@dataclass
class Population:
    """The true people of one force and their homes."""

    force: str
    people: pd.DataFrame  # PERSON_COLUMNS + home, household, position, age, offender_w, victim_w, missing_w
    homes: pd.DataFrame  # LOCATION_COLUMNS
    phones: pd.DataFrame  # OBJECT_COLUMNS + owner (person row)
    vehicles: pd.DataFrame
    documents: pd.DataFrame  # OBJECT_COLUMNS + owner + foreign (holder is not British)


def _ids(force_index: int, kind_offset: int, n: int) -> np.ndarray:
    return np.asarray((force_index + 1) * BLOCK + kind_offset + np.arange(n), dtype=np.int64)


def make_population(cfg: SynthConfig, seed: int, force: str, force_index: int, n_people: int, tl: Timeline) -> Population:
    rng = rng_for(seed, force, "population")
    sizes_p = np.array([0.29, 0.34, 0.16, 0.14, 0.05, 0.02])
    n_house = int(n_people / 1.8) + 10
    sizes = rng.choice(np.arange(1, 7), size=n_house, p=sizes_p)
    hmo = rng.random(n_house) < 0.025
    sizes[hmo] = rng.integers(4, 8, size=int(hmo.sum()))
    cum = np.cumsum(sizes)
    n_house = min(len(sizes), int(np.searchsorted(cum, n_people) + 1))
    sizes, hmo = sizes[:n_house], hmo[:n_house]
    household = np.repeat(np.arange(n_house), sizes)
    starts = np.repeat(np.cumsum(sizes) - sizes, sizes)
    position = np.arange(len(household)) - starts
    n = len(household)
    pool = names()
    w = origin_weights(pool, force in cfg.urban_forces, cfg.origin_mix)
    h_origin = sample_origins(rng, n_house, w)
    origin = h_origin[household]
    own = hmo[household]
    origin[own] = sample_origins(rng, int(own.sum()), w)
    h_surname = sample_surnames(rng, h_origin)
    surname = h_surname[household]
    other_surname = sample_surnames(rng, origin)
    partner_keeps = rng.random(n) < 0.7
    surname = np.where(own | ((position == 1) & ~partner_keeps), other_surname, surname)
    head_age = rng.uniform(22, 85, size=n_house)
    age = np.empty(n, dtype=np.float64)
    ha = head_age[household]
    age[:] = ha
    partner = position == 1
    age[partner] = np.clip(ha[partner] + rng.normal(0, 4, int(partner.sum())), 18, 95)
    kid = position >= 2
    kid_max = np.clip(ha[kid] - 18, 0.5, 17.99)
    adult_kid = ha[kid] > 62
    kid_age = rng.uniform(0, 1, int(kid.sum())) * kid_max
    kid_age = np.where(adult_kid, rng.uniform(18, 40, int(kid.sum())), kid_age)
    age[kid] = kid_age
    age[own] = rng.uniform(19, 48, int(own.sum()))
    sex = np.where(rng.random(n) < 0.5, "M", "F").astype(object)
    head_sex = sex[starts]
    sex = np.where(partner & ~own & (rng.random(n) < 0.92), np.where(head_sex == "M", "F", "M"), sex).astype(object)
    dob = (tl.end64 - (age * 365.25).astype(np.int64).astype("timedelta64[D]")).astype("datetime64[D]")
    first = sample_forenames(rng, origin, sex)
    middle = sample_middles(rng, origin, sex, first)
    eid = _ids(force_index, 0, n)
    # who offends, is victimised, goes missing (weights for drawing people into events)
    mid_age = age - cfg.years / 2
    age_f = np.interp(mid_age, [9.9, 10, 13, 15, 18, 25, 35, 50, 65, 100], [0, 0.25, 0.7, 1.0, 1.2, 1.1, 0.8, 0.35, 0.1, 0.02])
    sex_f = np.where(sex == "M", 1.0, 0.35)
    offender = rng.random(n) < np.clip(cfg.volume.offender_share * age_f * sex_f * 2.0, 0, 0.9)
    offender_w = np.where(offender, np.minimum(rng.pareto(1.3, n) + 1, 60.0), 0.0)
    victim_w = np.where(mid_age >= 10, rng.lognormal(0, 0.7, n), 0.0)
    young = (mid_age >= 11) & (mid_age < 18)
    prone = (young & (rng.random(n) < 0.06)) | ((mid_age >= 18) & (rng.random(n) < 0.004))
    missing_w = np.where(prone, np.minimum(rng.pareto(1.1, n) + 1, 40.0), 0.0)
    year = 1995 + rng.integers(0, 30, n)
    pnc_num = pd.Series(rng.integers(0, 9_999_999, n)).astype(str).str.zfill(7)
    letters = np.array(list("ABCDEFGHJKLMNPQRTUVWXYZ"), dtype=object)
    pnc = pd.Series(year).astype(str) + "/" + pnc_num + letters[rng.integers(0, len(letters), n)]
    people = object_frame(
        {
            "eid": eid, "first": first, "middle": middle, "surname": surname, "dob": dob, "sex": sex,
            "origin": origin, "pnc": np.where(offender, pnc.to_numpy(dtype=object), ""),
            "household": household, "position": position, "age": age,
            "offender_w": offender_w, "victim_w": victim_w, "missing_w": missing_w,
        }
    )
    homes = make_locations(rng, force, _ids(force_index, 0, n_house), "residential")
    homes.loc[hmo, "kind"] = "hmo"
    homes.loc[hmo, "flat"] = ""
    people["home"] = homes["eid"].to_numpy()[household]
    has_phone = (age >= 12) & (rng.random(n) < 0.8)
    phone_vals = "07" + pd.Series(rng.integers(100_000_000, 999_999_999, n)).astype(str)
    phones = object_frame({"eid": _ids(force_index, 0, n)[has_phone], "kind": "phone",
                           "value": phone_vals.to_numpy(dtype=object)[has_phone], "description": "mobile",
                           "owner": np.flatnonzero(has_phone)})
    has_car = (age >= 18) & (rng.random(n) < 0.35)
    vehicles = object_frame({"eid": _ids(force_index, 5_000_000, n)[has_car], "kind": "vehicle",
                             "value": vrms(rng, n)[has_car], "description": vehicle_descriptions(rng, n)[has_car],
                             "owner": np.flatnonzero(has_car)})
    return Population(force, people, homes, phones, vehicles, make_documents(cfg, seed, force, force_index, origin, age))


def make_documents(cfg: SynthConfig, seed: int, force: str, force_index: int, origin: np.ndarray,
                   age: np.ndarray) -> pd.DataFrame:
    """The identity documents of a force's people (rows ``origin``/``age``), from their own
    stream. Object ids follow the vehicles' (``5_000_000 + n`` in the force's block)."""
    rng = rng_for(seed, force, "documents")
    code, nationalities = documents.nationality_codes(origin, names().nationality)
    held = documents.holdings(rng, code, nationalities, age, cfg.documents)
    n, m = len(origin), len(held)
    if 5_000_000 + n + m > BLOCK:
        raise ValueError(f"{force}: {n} people and {m} documents overflow the force's object ids")
    british = np.array([nat == "GBR" for nat in nationalities] + [False])
    return object_frame({
        "eid": _ids(force_index, 5_000_000 + n, m), "kind": documents.KIND, "value": held.numbers(rng, force_index + 1),
        "description": held.descriptions(), "owner": held.owner, "foreign": ~british[held.issuer_code],
    })


_VRM_LETTERS = np.array(list("ABCDEFGHJKLMNOPRSTUVWXYZ"), dtype=object)


def vrms(rng: np.random.Generator, n: int) -> np.ndarray:
    """Current-style GB registrations 'AB12 CDE'."""
    L = _VRM_LETTERS
    idx = rng.integers(0, len(L), (5, n))
    year = rng.choice(np.array([f"{y:02d}" for y in list(range(51, 74)) + list(range(1, 24))], dtype=object), n)
    return np.asarray(L[idx[0]] + L[idx[1]] + year + " " + L[idx[2]] + L[idx[3]] + L[idx[4]], dtype=object)


def vehicle_descriptions(rng: np.random.Generator, n: int) -> np.ndarray:
    makes = np.array(["Silver Ford Focus", "Black BMW 3 Series", "White Vauxhall Corsa", "Blue Volkswagen Golf",
                      "Grey Audi A3", "Red Toyota Yaris", "Black Mercedes C Class", "White Ford Transit van",
                      "Silver Nissan Qashqai", "Blue Peugeot 208", "Black Range Rover Evoque", "Grey Kia Sportage"], dtype=object)
    return np.asarray(makes[rng.integers(0, len(makes), n)], dtype=object)


def _text_column(value: object, n: int) -> np.ndarray:
    """A text column of n rows from an array or one value for every row."""
    if isinstance(value, np.ndarray | pd.Series):
        return np.asarray(value, dtype=object)
    return np.full(n, value, dtype=object)


def _links(from_kind: str, from_id: np.ndarray, to_kind: str, to_id: np.ndarray, role: str | np.ndarray,
           since: np.ndarray | None = None, until: np.ndarray | None = None) -> Columns:
    n = len(from_id)
    return {
        "from_kind": np.full(n, from_kind, dtype=object), "from_id": np.asarray(from_id, dtype=np.int64),
        "to_kind": np.full(n, to_kind, dtype=object), "to_id": np.asarray(to_id, dtype=np.int64),
        "role": _text_column(role, n),
        "since": _text_column(since if since is not None else "", n),
        "until": _text_column(until if until is not None else "", n),
    }


def _events(key: np.ndarray, kind: str, when: np.ndarray, force: str, loc: np.ndarray, **cols: object) -> Columns:
    n = len(key)
    to = cols.pop("occurred_to", None)
    out: Columns = {
        "key": key.astype(np.int64), "kind": np.full(n, kind, dtype=object), "occurred_from": when.astype("datetime64[s]"),
        "occurred_to": np.asarray(to, dtype="datetime64[s]") if to is not None else np.full(n, np.datetime64("NaT"), dtype="datetime64[s]"),
        "force": np.full(n, force, dtype=object), "loc": np.asarray(loc, dtype=np.int64),
    }
    for c in ("offence_code", "category", "description", "grading", "outcome"):
        out[c] = _text_column(cols.get(c, ""), n)
    return out


def _draw(rng: np.random.Generator, weights: np.ndarray, n: int) -> np.ndarray:
    total = weights.sum()
    if n == 0 or total <= 0:
        return np.zeros(0, dtype=np.int64)
    return np.asarray(rng.choice(len(weights), size=n, p=weights / total), dtype=np.int64)


class _Positions:
    """Row positions of ids in a column of unique ids (``set_index(...).loc[ids]`` as numpy)."""

    def __init__(self, ids: np.ndarray) -> None:
        self.ids = np.asarray(ids, dtype=np.int64)
        self.order = np.argsort(self.ids, kind="stable")
        self.sorted = self.ids[self.order]

    def __call__(self, query: np.ndarray) -> np.ndarray:
        q = np.asarray(query, dtype=np.int64)
        if not len(q):
            return np.zeros(0, dtype=np.int64)
        pos = np.minimum(np.searchsorted(self.sorted, q), len(self.sorted) - 1)
        if not np.array_equal(self.sorted[pos], q):
            raise KeyError(f"ids not found: {q[self.sorted[pos] != q][:5].tolist()}")
        return np.asarray(self.order[pos], dtype=np.int64)


@dataclass
class ForceSources:
    crime: SourceData
    custody: SourceData
    missing: SourceData
    intelligence: SourceData
    stop_search: SourceData
    companies: SourceData
    nrm: SourceData

    def all(self) -> list[SourceData]:
        return [self.crime, self.custody, self.missing, self.intelligence, self.stop_search]


def source_specs(force: str, name: str) -> dict[str, SourceSpec]:
    return {
        "crime": SourceSpec(f"{force}-crime", f"{name} crime records", force, "crime", force),
        "custody": SourceSpec(f"{force}-custody", f"{name} custody records", force, "custody", force),
        "missing": SourceSpec(f"{force}-missing", f"{name} missing persons", force, "missing", force),
        "intelligence": SourceSpec(f"{force}-intel", f"{name} intelligence reports", force, "intelligence", force),
        "stop_search": SourceSpec(f"{force}-stopsearch", f"{name} stop and search", force, "stop-search", force),
    }


class ForceBuilder:
    """Builds the background records of one force."""

    def __init__(self, cfg: SynthConfig, seed: int, force: str, force_index: int, name: str,
                 volumes: dict[str, int], tl: Timeline) -> None:
        self.cfg, self.seed, self.force, self.fi, self.tl = cfg, seed, force, force_index, tl
        self.volumes = volumes
        n_people = max(60, int(volumes["offence"] * cfg.volume.population_per_offence))
        self.pop = make_population(cfg, seed, force, force_index, n_people, tl)
        specs = source_specs(force, name)
        self.out = ForceSources(
            crime=SourceData(specs["crime"]), custody=SourceData(specs["custody"]),
            missing=SourceData(specs["missing"]), intelligence=SourceData(specs["intelligence"]),
            stop_search=SourceData(specs["stop_search"]),
            companies=SourceData(SourceSpec("companies", "Companies register", "companies-register", "companies")),
            nrm=SourceData(SourceSpec("nrm", "National Referral Mechanism referrals", "home-office", "nrm")),
        )
        self._next_key = (force_index + 1) * BLOCK
        self._loc_next = (force_index + 1) * BLOCK + 3_000_000
        self.shops = self._new_locations("commercial", max(15, volumes["offence"] // 45), "shop")
        self.public = self._new_locations("public", max(10, volumes["offence"] // 60), "public")
        self.suites = self._new_locations("public", 2, "public")
        self.suites["building"] = np.full(2, "Custody Suite", dtype=object)
        # the same rows as numpy columns, appended to sources without a DataFrame each time
        people = self.pop.people
        self._people = frame_columns(people, PERSON_COLUMNS)
        self._eid = people["eid"].to_numpy()
        self._home = people["home"].to_numpy()
        self._homes = frame_columns(self.pop.homes, LOCATION_COLUMNS)
        self._home_pos = _Positions(self._homes["eid"])
        self._phones = frame_columns(self.pop.phones, (*OBJECT_COLUMNS, "owner"))
        self._vehicles = frame_columns(self.pop.vehicles, (*OBJECT_COLUMNS, "owner"))
        self._documents = frame_columns(self.pop.documents, (*OBJECT_COLUMNS, "owner", "foreign"))
        self.suspect_rows = np.zeros(0, dtype=np.int64)
        self.suspect_when = np.zeros(0, dtype="datetime64[s]")
        self.suspect_code = np.zeros(0, dtype=object)
        pairs_from = _draw(rng_for(seed, force, "pairs"), self.pop.people["offender_w"].to_numpy(), max(2, n_people // 40) * 2)
        self.pairs = pairs_from.reshape(-1, 2)

    # -- helpers -----------------------------------------------------------------
    def keys(self, n: int) -> np.ndarray:
        k = np.arange(self._next_key, self._next_key + n, dtype=np.int64)
        self._next_key += n
        return k

    def _new_locations(self, kind: str, n: int, premise: str, force: str | None = None) -> Columns:
        rng = rng_for(self.seed, self.force, "places", kind, premise, str(self._loc_next))
        eids = np.arange(self._loc_next, self._loc_next + n, dtype=np.int64)
        self._loc_next += n
        return location_columns(rng, force or self.force, eids, kind, premise)

    def homes_of(self, eids: np.ndarray) -> Columns:
        """The homes with ids ``eids`` (in that order)."""
        return take(self._homes, self._home_pos(eids))

    def _attach_people(self, src: SourceData, rows: np.ndarray, rng: np.random.Generator,
                       home_p: float, phone_p: float, car_p: float = 0.0) -> None:
        """Add the people of ``rows`` to a source with some of their homes, phones and cars."""
        rows = np.unique(rows)
        src.persons.append(take(self._people, rows))
        u = rng.random((3, len(rows)))
        h = rows[u[0] < home_p]
        if len(h):
            homes = self._home[h]
            src.locations.append(self.homes_of(np.unique(homes)))
            src.links.append(_links("person", self._eid[h], "location", homes, "resides-at"))
        for objs, p, role in ((self._phones, phone_p, "uses"), (self._vehicles, car_p, "keeper")):
            if p <= 0 or not len(objs["eid"]):
                continue
            chosen = rows[u[1 if role == "uses" else 2] < p]
            sel = take(objs, np.isin(objs["owner"], chosen))
            if len(sel["eid"]):
                src.objects.append(sel)
                src.links.append(_links("person", self._eid[sel["owner"]], "object", sel["eid"], role))

    def _attach_documents(self, src: SourceData, rows: np.ndarray, rates: tuple[float, float]) -> None:
        """Record some identity documents of the people of ``rows`` (already in the source):
        each document with ``rates[0]`` when its holder is a foreign national, else
        ``rates[1]``; drawn from the source's own stream (the other draws stay as they were)."""
        docs = self._documents
        if not len(docs["eid"]) or not len(rows) or max(rates) <= 0:
            return
        held = np.flatnonzero(np.isin(docs["owner"], rows))
        rng = rng_for(self.seed, self.force, src.spec.kind, "documents")
        rate = np.where(docs["foreign"][held].astype(bool), rates[0], rates[1])
        sel = take(docs, held[rng.random(len(held)) < rate])
        if len(sel["eid"]):
            src.objects.append(sel)
            src.links.append(_links("person", self._eid[sel["owner"]], "object", sel["eid"], "holds"))

    # -- sources -------------------------------------------------------------------
    def build(self) -> ForceSources:
        self.offences()
        self.custody()
        self.missing()
        self.intelligence()
        self.stop_search()
        self.companies()
        self.nrm()
        return self.out

    def offences(self) -> None:
        rng = rng_for(self.seed, self.force, "offences")
        mix = crime_mix()
        mix = mix[mix["force_id"] == ("btp" if self.force == "btp" else self.force)]
        n = self.volumes["offence"]
        if n == 0 or not len(mix):
            return
        p = mix["offences"].to_numpy(dtype=np.float64)
        counts = rng.multinomial(n, p / p.sum())
        codes = np.repeat(mix["offence_code"].to_numpy(dtype=object), counts)
        cats = np.repeat(mix["category"].to_numpy(dtype=object), counts)
        descs = np.repeat(mix["description"].to_numpy(dtype=object), counts)
        perm = rng.permutation(n)
        codes, cats, descs = codes[perm], cats[perm], descs[perm]
        when = self.tl.sample(rng, n)
        keys = self.keys(n)
        people = self.pop.people
        eid = people["eid"].to_numpy()
        s_rate = pd.Series(cats).map(SUSPECT_RATE).fillna(self.cfg.volume.suspect_identified).to_numpy(dtype=np.float64)
        has_s = rng.random(n) < s_rate
        u = rng.random(n)
        n_s = np.where(has_s, 1 + (u < 0.2) + (u < 0.05), 0)
        # suspects: drawn by offender weight; some 2-person offences are a regular pair
        ev_s = np.repeat(np.arange(n), n_s)
        rows_s = _draw(rng, people["offender_w"].to_numpy(), len(ev_s))
        first_of_pair = (n_s == 2) & (rng.random(n) < 0.5)
        if len(self.pairs) and first_of_pair.any():
            pick = self.pairs[rng.integers(0, len(self.pairs), int(first_of_pair.sum()))]
            pos = np.searchsorted(ev_s, np.flatnonzero(first_of_pair))
            rows_s[pos] = pick[:, 0]
            rows_s[pos + 1] = pick[:, 1]
        outcome = np.where(has_s, OUTCOMES[rng.choice(len(OUTCOMES), n, p=OUTCOME_P)], NO_SUSPECT)
        charged = np.isin(outcome, ["Offender charged", "Offender given a caution"])
        v_rate = pd.Series(cats).map(VICTIM_RATE).fillna(0.3).to_numpy(dtype=np.float64)
        has_v = rng.random(n) < v_rate
        ev_v = np.flatnonzero(has_v)
        rows_v = _draw(rng, people["victim_w"].to_numpy(), len(ev_v))
        has_w = rng.random(n) < 0.12
        ev_w = np.flatnonzero(has_w)
        rows_w = _draw(rng, (people["age"].to_numpy() >= 18).astype(np.float64), len(ev_w))
        # where
        loc = self.public["eid"][rng.integers(0, len(self.public["eid"]), n)]
        shop = np.isin(codes, ["46", "34A", "30C", "30D", "49A"])
        loc[shop] = self.shops["eid"][rng.integers(0, len(self.shops["eid"]), int(shop.sum()))]
        homeish = np.isin(cats, ["burglary"]) | np.isin(codes, ["58A", "40", "11A"])
        victim_home = np.full(n, -1, dtype=np.int64)
        victim_home[ev_v] = people["home"].to_numpy()[rows_v]
        at_home = (victim_home >= 0) & (homeish | (np.isin(cats, ["violent-crime"]) & (rng.random(n) < 0.45)))
        loc[at_home] = victim_home[at_home]
        rand_home = homeish & (victim_home < 0)
        loc[rand_home] = self.pop.homes["eid"].to_numpy()[rng.integers(0, len(self.pop.homes), int(rand_home.sum()))]
        src = self.out.crime
        src.events.append(_events(keys, "offence", when, self.force, loc, offence_code=codes, category=cats,
                                  description=descs, outcome=outcome))
        used_homes = np.unique(loc[at_home | rand_home])
        src.locations.append(self.homes_of(used_homes))
        src.locations.append(self.public)
        src.locations.append(self.shops)
        s_role = np.where(charged[ev_s], "offender", "suspect")
        lk = [
            _links("person", eid[rows_s], "event", keys[ev_s], s_role),
            _links("person", eid[rows_v], "event", keys[ev_v], "victim"),
            _links("person", eid[rows_w], "event", keys[ev_w], "witness"),
        ]
        src.links.extend(lk)
        self._attach_people(src, np.concatenate([rows_s, rows_v, rows_w]), rng, 0.8, 0.25, 0.05)
        self.suspect_rows, self.suspect_when, self.suspect_code = rows_s, when[ev_s], codes[ev_s]

    def custody(self) -> None:
        rng = rng_for(self.seed, self.force, "custody")
        n = self.volumes["custody"]
        if n == 0:
            return
        people = self.pop.people
        from_crime = (rng.random(n) < 0.75) & (len(self.suspect_rows) > 0)
        rows = _draw(rng, people["offender_w"].to_numpy(), n)
        when = self.tl.sample(rng, n)
        code = np.full(n, "", dtype=object)
        if from_crime.any():
            pick = rng.integers(0, len(self.suspect_rows), int(from_crime.sum()))
            rows[from_crime] = self.suspect_rows[pick]
            lag = rng.integers(0, 10 * 86400, int(from_crime.sum())).astype("timedelta64[s]")
            when[from_crime] = np.minimum(self.suspect_when[pick] + lag, self.tl.end64.astype("datetime64[s]") + np.timedelta64(86399, "s"))
            code[from_crime] = self.suspect_code[pick]
        info = offence_info()
        desc = np.array(["Arrested on suspicion of " + info.get(str(c), ("an offence",))[0].lower() if c else "Arrested on warrant" for c in code], dtype=object)
        outcome = np.array(["Charged", "Released under investigation", "Bailed", "No further action", "Cautioned"], dtype=object)
        out = outcome[rng.choice(5, n, p=[0.3, 0.3, 0.12, 0.2, 0.08])]
        keys = self.keys(n)
        loc = self.suites["eid"][rng.integers(0, len(self.suites["eid"]), n)]
        src = self.out.custody
        src.events.append(_events(keys, "custody", when, self.force, loc, offence_code=code, description=desc, outcome=out,
                                  occurred_to=when + rng.integers(3600, 36 * 3600, n).astype("timedelta64[s]")))
        src.locations.append(self.suites)
        src.links.append(_links("person", people["eid"].to_numpy()[rows], "event", keys, "subject"))
        self._attach_people(src, rows, rng, 0.95, 0.5, 0.1)
        self._attach_documents(src, rows, self.cfg.documents.custody)

    def missing(self) -> None:
        rng = rng_for(self.seed, self.force, "missing")
        n = self.volumes["missing"]
        people = self.pop.people
        if n == 0 or people["missing_w"].sum() <= 0:
            return
        rows = _draw(rng, people["missing_w"].to_numpy(), n)
        when = self.tl.sample(rng, n)
        back = when + (rng.lognormal(np.log(20 * 3600), 1.0, n)).astype(np.int64).astype("timedelta64[s]")
        keys = self.keys(n)
        home = people["home"].to_numpy()[rows]
        src = self.out.missing
        reported = np.array(["Reported missing by parent", "Reported missing by carer", "Failed to return home",
                             "Reported missing by school", "Reported missing by partner"], dtype=object)
        src.events.append(_events(keys, "missing-episode", when, self.force, home, occurred_to=back,
                                  description=reported[rng.integers(0, len(reported), n)],
                                  outcome=np.where(rng.random(n) < 0.97, "Found safe", "Found, taken to hospital")))
        src.locations.append(self.homes_of(np.unique(home)))
        eid = people["eid"].to_numpy()
        src.links.append(_links("person", eid[rows], "event", keys, "missing-person"))
        u = rng.random(n)
        found = np.full(n, -1, dtype=np.int64)
        pub = u < 0.6
        found[pub] = self.public["eid"][rng.integers(0, len(self.public["eid"]), int(pub.sum()))]
        friend = (u >= 0.6) & (u < 0.85)
        fh = self.pop.homes["eid"].to_numpy()[rng.integers(0, len(self.pop.homes), int(friend.sum()))]
        found[friend] = fh
        away = (u >= 0.85) & (u < 0.93)
        if away.any():
            others = [f for f in force_ids() if f not in (self.force, "btp")]
            where = self._new_locations("public", int(away.sum()), "public",
                                        force=others[int(rng.integers(0, len(others)))])
            found[away] = where["eid"]
            src.locations.append(where)
        src.locations.append(self.public)
        src.locations.append(self.homes_of(np.unique(fh)))
        has = found >= 0
        since = np.datetime_as_string(back[has], unit="D").astype(object)
        src.links.append(_links("person", eid[rows[has]], "location", found[has], "found-at", since=since))
        # reporter: the head of the household, when it is someone else
        heads = np.flatnonzero(people["position"].to_numpy() == 0)
        head_of = heads[np.searchsorted(heads, rows, side="right") - 1]
        rep = (head_of != rows) & (rng.random(n) < 0.6)
        src.links.append(_links("person", eid[head_of[rep]], "event", keys[rep], "reporter"))
        self._attach_people(src, np.concatenate([rows, head_of[rep]]), rng, 1.0, 0.5)
        self._attach_documents(src, rows, self.cfg.documents.missing)

    def intelligence(self) -> None:
        rng = rng_for(self.seed, self.force, "intelligence")
        n = self.volumes["intelligence"]
        if n == 0:
            return
        people = self.pop.people
        eid = people["eid"].to_numpy()
        n_sub = 1 + (rng.random(n) < 0.35) + (rng.random(n) < 0.1)
        ev = np.repeat(np.arange(n), n_sub)
        rows = _draw(rng, people["offender_w"].to_numpy(), len(ev))
        keys = self.keys(n)
        when = self.tl.sample(rng, n)
        topics = np.array([
            "Subject is believed to be supplying cannabis in the area.",
            "Subject is believed to be dealing class A drugs from a vehicle.",
            "Subject has been seen in possession of a knife.",
            "Subject is associating with known shoplifters.",
            "Subject is believed to be handling stolen goods.",
            "Subjects are believed to be involved in burglaries in the area.",
            "Subject has been threatening a neighbour.",
            "Subject is believed to be driving while disqualified.",
            "Subject is believed to be storing stolen bicycles.",
            "Subjects are seen together at the address most evenings.",
        ], dtype=object)
        desc = topics[rng.integers(0, len(topics), n)]
        grading = grades(rng, n)
        loc = np.full(n, -1, dtype=np.int64)
        at = rng.random(n) < 0.4
        first_row = rows[np.searchsorted(ev, np.arange(n))]
        loc[at] = people["home"].to_numpy()[first_row[at]]
        src = self.out.intelligence
        src.events.append(_events(keys, "intelligence", when, self.force, loc, description=desc, grading=grading))
        src.locations.append(self.homes_of(np.unique(loc[at])))
        src.links.append(_links("person", eid[rows], "event", keys[ev], "subject"))
        self._attach_people(src, rows, rng, 0.7, 0.35, 0.15)
        self._attach_documents(src, rows, self.cfg.documents.intelligence)

    def stop_search(self) -> None:
        rng = rng_for(self.seed, self.force, "stop-search")
        n = self.volumes["stop_search"]
        if n == 0:
            return
        people = self.pop.people
        age = people["age"].to_numpy() - self.cfg.years / 2
        w = people["offender_w"].to_numpy() * np.interp(age, [12, 15, 20, 30, 45], [0.2, 1.2, 1.0, 0.5, 0.1]) * np.where(people["sex"] == "M", 1.0, 0.2)
        w = w + 0.02 * ((age >= 14) & (age <= 40))
        rows = _draw(rng, w, n)
        keys = self.keys(n)
        when = self.tl.sample(rng, n)
        grounds = np.array(["Search under s.23 Misuse of Drugs Act 1971", "Search under s.1 PACE for stolen articles",
                            "Search under s.1 PACE for offensive weapons", "Search under s.60 CJPOA 1994"], dtype=object)
        outcome = np.array(["A no further action disposal", "Arrest", "Community resolution", "Penalty Notice for Disorder",
                            "Summons / charged by post"], dtype=object)
        loc = self.public["eid"][rng.integers(0, len(self.public["eid"]), n)]
        src = self.out.stop_search
        src.events.append(_events(keys, "stop-search", when, self.force, loc,
                                  description=grounds[rng.choice(4, n, p=[0.6, 0.15, 0.17, 0.08])],
                                  outcome=outcome[rng.choice(5, n, p=[0.72, 0.12, 0.08, 0.03, 0.05])]))
        src.locations.append(self.public)
        src.links.append(_links("person", people["eid"].to_numpy()[rows], "event", keys, "subject"))
        self._attach_people(src, rows, rng, 0.6, 0.3, 0.0)
        self._attach_documents(src, rows, self.cfg.documents.stop_search)

    def companies(self) -> None:
        rng = rng_for(self.seed, self.force, "companies")
        n = int(round(self.volumes["offence"] * self.cfg.volume.companies_per_1000_offences / 1000))
        if n == 0 or self.force == "btp":
            return
        people = self.pop.people
        sic = sic_codes()
        sw = sic["weight"].to_numpy(dtype=np.float64)
        pick = rng.choice(len(sic), n, p=sw / sw.sum())
        trade = sic["trade"].to_numpy(dtype=object)[pick]
        eids = (self.fi + 1) * BLOCK + 7_000_000 + np.arange(n, dtype=np.int64)
        adults = ((people["age"] >= 25) & (people["age"] <= 70)).to_numpy().astype(np.float64)
        d1 = _draw(rng, adults, n)
        lead_kind = rng.integers(0, 3, n)
        town = self.pop.homes["town"].to_numpy(dtype=object)[rng.integers(0, len(self.pop.homes), n)]
        lead = np.select([lead_kind == 0, lead_kind == 1], [people["surname"].to_numpy(dtype=object)[d1], town],
                         self.shops["street"][rng.integers(0, len(self.shops["eid"]), n)])
        name = pd.Series(lead + " " + trade).str.upper().to_numpy(dtype=object) + np.where(rng.random(n) < 0.85, " LTD", " LIMITED")
        inc = (np.datetime64("1998-01-01") + rng.integers(0, (self.tl.end64 - np.datetime64("1998-01-01")).astype(int), n).astype("timedelta64[D]"))
        orgs = org_frame(eids, name, sic["sic_code"].to_numpy(dtype=object)[pick], inc)
        dissolved = rng.random(n) < 0.08
        orgs.loc[dissolved, "dissolved"] = np.datetime_as_string(np.minimum(inc[dissolved] + 900, self.tl.end64), unit="D")
        src = self.out.companies
        src.organisations.append(frame_columns(orgs, ORG_COLUMNS))
        two = rng.random(n) < 0.4
        d2 = _draw(rng, adults, n)
        rows = np.concatenate([d1, d2[two]])
        org_of = np.concatenate([eids, eids[two]])
        appointed = np.datetime_as_string(np.concatenate([inc, inc[two]]), unit="D").astype(object)
        src.persons.append(take(self._people, np.unique(rows)))
        src.links.append(_links("person", people["eid"].to_numpy()[rows], "organisation", org_of, "director-of", since=appointed))
        premises = self._new_locations("commercial", n, "shop")
        premises["building"] = np.full(n, "", dtype=object)
        at_home = rng.random(n) < 0.3
        reg = np.where(at_home, people["home"].to_numpy()[d1], premises["eid"])
        src.locations.append(take(premises, ~at_home))
        src.locations.append(self.homes_of(np.unique(reg[at_home])))
        src.links.append(_links("organisation", eids, "location", reg, "registered-at"))

    def nrm(self) -> None:
        rng = rng_for(self.seed, self.force, "nrm")
        n = self.volumes["nrm"]
        if n == 0:
            return
        people = self.pop.people
        child = rng.random(n) < 0.45
        rows = np.where(child, _draw(rng, people["missing_w"].to_numpy() + 1e-9, n),
                        _draw(rng, people["victim_w"].to_numpy() * (people["age"].to_numpy() >= 18), n))
        keys = self.keys(n)
        when = self.tl.sample(rng, n)
        kinds = np.array(["criminal", "labour", "sexual", "domestic servitude"], dtype=object)
        k = np.where(child, kinds[rng.choice(4, n, p=[0.7, 0.05, 0.22, 0.03])], kinds[rng.choice(4, n, p=[0.2, 0.55, 0.17, 0.08])])
        fr = np.array(["police", "local authority", "Home Office", "NGO"], dtype=object)[rng.integers(0, 4, n)]
        desc = "Referral for " + pd.Series(k).astype(str) + " exploitation; first responder: " + pd.Series(fr).astype(str)
        dec = np.array(["Reasonable grounds: positive", "Reasonable grounds: negative", "Conclusive grounds: positive",
                        "Conclusive grounds: negative", "Awaiting decision"], dtype=object)
        src = self.out.nrm
        src.events.append(_events(keys, "nrm-referral", when, self.force, np.full(n, -1), description=desc.to_numpy(dtype=object),
                                  outcome=dec[rng.choice(5, n, p=[0.35, 0.1, 0.25, 0.05, 0.25])]))
        src.links.append(_links("person", people["eid"].to_numpy()[rows], "event", keys, "subject"))
        self._attach_people(src, rows, rng, 0.6, 0.2)
        self._attach_documents(src, rows, self.cfg.documents.nrm)


def org_frame(eids: np.ndarray, name: np.ndarray, sic: np.ndarray, incorporated: np.ndarray) -> pd.DataFrame:
    return object_frame({
        "eid": eids.astype(np.int64), "name": name, "company_number": company_numbers(eids), "kind": "company",
        "incorporated": np.datetime_as_string(incorporated.astype("datetime64[D]"), unit="D").astype(object),
        "dissolved": "", "sic_code": sic,
    })


def company_numbers(eids: np.ndarray) -> np.ndarray:
    """8-digit company numbers: an affine bijection of a compact index (so never two alike),
    computed the same way for planted and background companies."""
    e = eids.astype(np.int64)
    block, local = e // BLOCK, e % BLOCK
    x = np.where(block > 0, block * 200_000 + local - 7_000_000, local)
    nums = (x * 7_654_321 + 1_234_567) % 100_000_000
    return np.asarray(pd.Series(nums).astype(str).str.zfill(8).to_numpy(dtype=object), dtype=object)


def grades(rng: np.random.Generator, n: int) -> np.ndarray:
    """3x5x2 gradings like '2C P'."""
    s = np.array(["1", "2", "3"], dtype=object)[rng.choice(3, n, p=[0.3, 0.5, 0.2])]
    i = np.array(list("ABCDE"), dtype=object)[rng.choice(5, n, p=[0.1, 0.3, 0.4, 0.15, 0.05])]
    h = np.array(["P", "C"], dtype=object)[rng.choice(2, n, p=[0.8, 0.2])]
    return np.asarray(s + i + " " + h, dtype=object)
