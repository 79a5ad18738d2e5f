"""What every planted scenario uses: a :class:`Planter` that creates true entities,
events and links in named sources, and records the network's truth.

Planted entities get ids below :data:`~toex.synth.tables.BLOCK`; the writer renders
them with the same noise and numbering as the background, so nothing in a record
tells them apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypedDict

import numpy as np
import pandas as pd

from toex.synth import documents
from toex.synth.background import company_numbers, source_specs, vehicle_descriptions, vrms
from toex.synth.config import Rates, SynthConfig
from toex.synth.names import sample_forenames, sample_middles, sample_surnames
from toex.synth.places import location_columns
from toex.synth.refdata import force_ids, names, region_of
from toex.synth.rng import rng_for
from toex.synth.tables import KIND_FRAMES, SourceData, SourceSpec, truth_id
from toex.synth.timeline import Timeline, age_on, to_days, to_seconds

#: How often a source records a person's home with them (as the background does).
HOME_RATE = {"crime": 0.8, "custody": 0.95, "missing": 1.0, "intel": 0.7, "stopsearch": 0.6, "nrm": 0.6, "companies": 0.0}
SPECIAL = {
    "nrm": SourceSpec("nrm", "National Referral Mechanism referrals", "home-office", "nrm"),
    "companies": SourceSpec("companies", "Companies register", "companies-register", "companies"),
}


class Offence(TypedDict):
    """The offence columns of an event, unpacked into :meth:`Planter.event` (``**SHOPLIFT``)."""

    offence_code: str
    category: str
    description: str


@dataclass
class PlantedPerson:
    eid: int
    home: int | None
    phone: int | None = None


@dataclass
class Planted:
    """Everything the scenarios planted."""

    sources: dict[str, SourceData] = field(default_factory=dict)
    networks: list[dict[str, Any]] = field(default_factory=list)
    safeguarding: list[dict[str, str]] = field(default_factory=list)
    trends: list[dict[str, Any]] = field(default_factory=list)
    people: list[dict[str, Any]] = field(default_factory=list)


def owner_of(forces: list[str]) -> tuple[str, str, list[str]]:
    """(owner level, owner unit, regions) by the rule: one force -> local; several forces
    of one region -> regional; several regions (London counts as one) -> national."""
    fs = sorted(set(forces))
    regions = sorted({region_of(f) or f for f in fs})
    if len(fs) == 1:
        return "local", fs[0], regions
    if len(regions) == 1:
        return "regional", regions[0], regions
    return "national", "nca", regions


class Planter:
    """Builds planted entities and records; one per generation run."""

    def __init__(self, cfg: SynthConfig, seed: int, tl: Timeline) -> None:
        self.cfg, self.seed, self.tl = cfg, seed, tl
        self.out = Planted()
        self._next = {"person": 1, "location": 1, "object": 1, "organisation": 1, "event": 1}
        self._people: dict[int, dict[str, Any]] = {}
        self._locations: dict[int, dict[str, Any]] = {}
        self._objects: dict[int, dict[str, Any]] = {}
        self._orgs: dict[int, dict[str, Any]] = {}
        self.homes: dict[int, int] = {}
        self.appeared: set[tuple[str, int]] = set()
        self._pending: dict[str, dict[str, list[dict[str, Any]]]] = {}
        self.phones: dict[int, int] = {}
        self.documents: dict[int, list[int]] = {}
        self._nationality: dict[int, str] = {}
        self._doc_rng = rng_for(seed, "planted", "documents")
        self._doc_rank: dict[tuple[str, str], int] = {}
        self._doc_recorded: dict[tuple[str, int], bool] = {}
        d = cfg.documents
        self._doc_rates: dict[str, Rates] = {"custody": d.custody, "nrm": d.nrm, "stopsearch": d.stop_search,
                                             "intel": d.intelligence, "missing": d.missing}
        self._force_names = {f: f for f in force_ids()}

    # -- ids and sources ---------------------------------------------------------
    def _id(self, kind: str) -> int:
        n = self._next[kind]
        self._next[kind] = n + 1
        return n

    def source(self, force_or_special: str, kind: str = "") -> SourceData:
        """The planted part of a source: ``source("suffolk", "crime")`` or ``source("nrm")``."""
        sid = force_or_special if not kind else f"{force_or_special}-{kind}"
        if sid not in self.out.sources:
            if not kind:
                spec = SPECIAL[sid]
            else:
                key = {"crime": "crime", "custody": "custody", "missing": "missing", "intel": "intelligence",
                       "stopsearch": "stop_search"}[kind]
                spec = source_specs(force_or_special, force_or_special)[key]
            self.out.sources[sid] = SourceData(spec)
        return self.out.sources[sid]

    # -- entities ------------------------------------------------------------------
    def person(self, rng: np.random.Generator, sex: str, age: float, origin: str, surname: str | None = None,
               home: int | None = None, phone: bool = True, offender: bool = False) -> int:
        """A true person ``age`` years old at the end date."""
        eid = self._id("person")
        o = np.array([origin], dtype=object)
        s = np.array([sex], dtype=object)
        first = sample_forenames(rng, o, s)
        middle = sample_middles(rng, o, s, first)
        dob = self.tl.end64 - np.timedelta64(int(age * 365.25), "D")
        pnc = f"{int(rng.integers(2005, 2024))}/{int(rng.integers(0, 9_999_999)):07d}{'ABCDEFGHJKLMNPQRTUVWXYZ'[int(rng.integers(0, 23))]}" if offender else ""
        self._people[eid] = {
            "eid": eid, "first": str(first[0]), "middle": str(middle[0]),
            "surname": surname or str(sample_surnames(rng, o)[0]), "dob": dob, "sex": sex, "origin": origin, "pnc": pnc,
        }
        if home is not None:
            self.homes[eid] = home
        if phone:
            self.phones[eid] = self.obj("phone", "07" + str(int(rng.integers(100_000_000, 999_999_999))), "mobile")
        self._give_documents(eid, origin, age)
        return eid

    def _give_documents(self, eid: int, origin: str, age: float) -> None:
        """The person's identity documents, by the population's shares, from the planter's
        own stream (the scenario's draws stay as they were); numbers from index block 0."""
        nat = names().nationality.get(origin, "")
        self._nationality[eid] = nat
        held = documents.holdings(self._doc_rng, np.zeros(1, dtype=np.int64), (nat,), np.array([age]), self.cfg.documents)
        for kind in held.kind.tolist():
            rank = self._doc_rank.get((nat, kind), 0)
            self._doc_rank[(nat, kind)] = rank + 1
            number = documents.number(nat, kind, 0, rank)
            self.documents.setdefault(eid, []).append(self.obj(documents.KIND, number, documents.description(kind, nat)))

    def passport_of(self, eid: int) -> int | None:
        """The person's passport (else identity card) object id, if they hold one."""
        held = self.documents.get(eid, [])
        passports = [d for d in held if str(self._objects[d]["description"]).startswith(documents.PASSPORT)]
        if passports:
            return passports[0]
        return held[0] if held else None

    def surname(self, rng: np.random.Generator, origin: str) -> str:
        return str(sample_surnames(rng, np.array([origin], dtype=object))[0])

    def dob(self, eid: int) -> np.datetime64:
        return np.datetime64(self._people[eid]["dob"], "D")

    def age_at(self, eid: int, when: np.datetime64) -> int:
        return int(age_on(np.array([self.dob(eid)]), np.array([when]))[0])

    def location(self, rng: np.random.Generator, force: str, kind: str, premise: str | None = None,
                 building: str | None = None) -> int:
        eid = self._id("location")
        cols = location_columns(rng, force, np.array([eid]), kind, premise)
        row = {c: v[0].item() if isinstance(v[0], np.generic) else v[0] for c, v in cols.items()}
        if building is not None:
            row["building"] = building
        self._locations[eid] = row
        return eid

    def obj(self, kind: str, value: str, description: str = "") -> int:
        eid = self._id("object")
        self._objects[eid] = {"eid": eid, "kind": kind, "value": value, "description": description}
        return eid

    def vehicle(self, rng: np.random.Generator) -> int:
        return self.obj("vehicle", str(vrms(rng, 1)[0]), str(vehicle_descriptions(rng, 1)[0]))

    def account(self, rng: np.random.Generator) -> int:
        sc = f"{int(rng.integers(10, 99))}-{int(rng.integers(10, 99))}-{int(rng.integers(10, 99))}"
        return self.obj("bank-account", f"{sc} {int(rng.integers(10_000_000, 99_999_999))}", "current account")

    def company(self, name: str, sic: str, incorporated: np.datetime64) -> int:
        eid = self._id("organisation")
        self._orgs[eid] = {
            "eid": eid, "name": name.upper(), "company_number": str(company_numbers(np.array([eid]))[0]),
            "kind": "company", "incorporated": str(to_days(incorporated)), "dissolved": "", "sic_code": sic,
        }
        return eid

    # -- records ---------------------------------------------------------------------
    def _rows(self, src: SourceData, file: str) -> list[dict[str, Any]]:
        return self._pending.setdefault(src.spec.id, {}).setdefault(file, [])

    def _appear(self, src: SourceData, kind: str, eid: int) -> None:
        self.appeared.add((kind, eid))
        store = {"person": self._people, "location": self._locations, "object": self._objects, "organisation": self._orgs}
        if kind in store:
            self._rows(src, KIND_FRAMES[kind]).append(store[kind][eid])

    def link(self, src: SourceData, from_kind: str, from_id: int, to_kind: str, to_id: int, role: str,
             since: str = "", until: str = "") -> None:
        for kind, eid in ((from_kind, from_id), (to_kind, to_id)):
            self._appear(src, kind, eid)
        self._rows(src, "links").append({"from_kind": from_kind, "from_id": from_id, "to_kind": to_kind,
                                         "to_id": to_id, "role": role, "since": since, "until": until})

    def event(self, src: SourceData, kind: str, when: np.datetime64, force: str, loc: int | None = None,
              hours: float | None = None, *, offence_code: str = "", category: str = "", description: str = "",
              grading: str = "", outcome: str = "") -> int:
        """An event of ``kind`` at ``when`` (clipped to the end date); ``hours`` sets ``occurred_to``.
        An :class:`Offence` can be passed as ``**SHOPLIFT``."""
        key = self._id("event")
        w = to_seconds(when)
        w = min(w, to_seconds(self.tl.end64) + np.timedelta64(86399, "s"))
        row: dict[str, Any] = {"key": key, "kind": kind, "occurred_from": w,
                               "occurred_to": w + np.timedelta64(int(hours * 3600), "s") if hours else np.datetime64("NaT", "s"),
                               "force": force, "loc": -1 if loc is None else loc,
                               "offence_code": offence_code, "category": category, "description": description,
                               "grading": grading, "outcome": outcome}
        self._rows(src, "events").append(row)
        if loc is not None:
            self._appear(src, "location", loc)
        return key

    def involve(self, src: SourceData, rng: np.random.Generator, person: int, event: int, role: str,
                home_rate: float | None = None, phone_rate: float = 0.3) -> None:
        """person -role-> event, with (like the background) their home and phone some of the time."""
        self.link(src, "person", person, "event", event, role)
        sid = src.spec.id
        rate = home_rate if home_rate is not None else HOME_RATE.get(sid.rsplit("-", 1)[-1], 0.7)
        if person in self.homes and rng.random() < rate:
            self.link(src, "person", person, "location", self.homes[person], "resides-at")
        if person in self.phones and rng.random() < phone_rate:
            self.link(src, "person", person, "object", self.phones[person], "uses")
        if role in ("subject", "missing-person"):
            self._record_documents(src, person)

    def _record_documents(self, src: SourceData, person: int) -> None:
        """Some of the person's documents in a source that records them, at the configured
        rate (foreign or British); decided once per source and document, as the background does."""
        rates = self._doc_rates.get(src.spec.id.rsplit("-", 1)[-1])
        if rates is None:
            return
        rate = rates[0] if self._nationality.get(person, "") != "GBR" else rates[1]
        for doc in self.documents.get(person, []):
            key = (src.spec.id, doc)
            if key not in self._doc_recorded:
                self._doc_recorded[key] = bool(self._doc_rng.random() < rate)
            if self._doc_recorded[key]:
                self.link(src, "person", person, "object", doc, "holds")

    # -- truth -------------------------------------------------------------------------
    def network(self, scenario: str, index: int, decoy: bool, threats: list[str], forces: list[str],
                members: list[tuple[str, int, str]], summary: str) -> str:
        nid = f"{scenario}-{index + 1}"
        level, unit, regions = owner_of(forces)
        seen: set[tuple[str, int]] = set()
        out_members = []
        for kind, eid, role in members:
            if (kind, eid) in seen or (kind, eid) not in self.appeared:
                continue
            seen.add((kind, eid))
            out_members.append({"entity_id": truth_id(kind, eid), "kind": kind, "role": role})
        self.out.networks.append({
            "id": nid, "scenario": scenario, "decoy": decoy, "threats": threats, "forces": sorted(set(forces)),
            "regions": regions, "owner_level": level, "owner_unit": unit, "members": out_members, "summary": summary,
        })
        if not decoy:
            for m in out_members:
                if m["role"] == "exploited" and m["kind"] == "person":
                    self.out.safeguarding.append({"entity_id": m["entity_id"], "network_id": nid, "reason": summary})
        return nid

    def finish(self) -> Planted:
        for sid, files in self._pending.items():
            src = self.out.sources[sid]
            for file, rows in files.items():
                df = pd.DataFrame(rows)
                if file == "events":
                    df["occurred_from"] = df["occurred_from"].astype("datetime64[s]")
                    df["occurred_to"] = df["occurred_to"].astype("datetime64[s]")
                getattr(src, file).append(df)
        self.out.people = list(self._people.values())
        return self.out

    # -- common draws ------------------------------------------------------------------
    def date_between(self, rng: np.random.Generator, start: np.datetime64, end: np.datetime64) -> np.datetime64:
        s = to_seconds(start)
        span = int((to_seconds(end) - s).astype(np.int64))
        return s + np.timedelta64(int(rng.integers(0, max(span, 1))), "s")

    def days_before_end(self, days: int) -> np.datetime64:
        return to_seconds(self.tl.end64 - np.timedelta64(days, "D"))


def keep_documents(p: Planter, rng: np.random.Generator, force: str, controller: int, victims: list[int],
                   start: np.datetime64, referrals: dict[int, int] | None = None) -> list[int]:
    """Controllers keep their victims' passports: a share (``documents.kept_by_controller``; at
    least one when any victim holds a document) of the victims' passports (else identity cards)
    are recorded as held by ``controller`` as well as by their owner, in an intelligence report
    naming both, and in the victim's NRM referral (``referrals``: victim -> referral event) half
    of the time, with the controller as suspect. Returns the kept documents' object ids."""
    share = p.cfg.documents.kept_by_controller
    held = [(v, d) for v in victims if (d := p.passport_of(v)) is not None]
    if not held or share <= 0:
        return []
    # a stream of its own: the scenario's draws after this call stay as they were without documents
    del rng
    rng = rng_for(p.seed, "keep-documents", force, str(controller))
    kept = [vd for vd in held if rng.random() < share] or [held[int(rng.integers(0, len(held)))]]
    intel = p.source(force, "intel")
    ev = p.event(intel, "intelligence", p.date_between(rng, start, p.days_before_end(5)), force, None,
                 description="The workers' passports are believed to be kept by the man who houses them and takes their wages.",
                 grading=str(rng.choice(["2B C", "2C C", "3C P"])))
    p.involve(intel, rng, controller, ev, "subject")
    nrm = p.source("nrm")
    for victim, doc in kept:
        p.involve(intel, rng, victim, ev, "subject")
        p.link(intel, "person", victim, "object", doc, "holds")
        p.link(intel, "person", controller, "object", doc, "holds")
        referral = (referrals or {}).get(victim)
        if referral is not None and rng.random() < 0.5:
            p.involve(nrm, rng, controller, referral, "suspect")
            p.link(nrm, "person", victim, "object", doc, "holds")
            p.link(nrm, "person", controller, "object", doc, "holds")
    return [d for _, d in kept]


def pick_forces(rng: np.random.Generator, k: int, exclude: set[str], distinct_regions: bool = True,
                avoid_regions: set[str] | None = None) -> list[str]:
    """k territorial forces (no BTP or City of London), in distinct regions when asked."""
    pool = [f for f in force_ids() if f not in exclude and f not in ("btp", "city-of-london")]
    order = rng.permutation(len(pool))
    chosen: list[str] = []
    regions = set(avoid_regions or set())
    for i in order:
        f = pool[int(i)]
        r = region_of(f) or f
        if distinct_regions and r in regions:
            continue
        chosen.append(f)
        regions.add(r)
        if len(chosen) == k:
            break
    return chosen


def neighbour_forces(force: str) -> list[str]:
    """Forces sorted by distance from ``force`` (nearest first, itself excluded)."""
    from toex import reference

    fs = {f.force_id: f for f in reference.forces() if f.force_id not in ("btp",)}
    me = fs[force]
    dist = sorted(((f.latitude - me.latitude) ** 2 + ((f.longitude - me.longitude) * 0.62) ** 2, fid)
                  for fid, f in fs.items() if fid != force and fid != "city-of-london")
    return [fid for _, fid in dist]


def choose_origin(rng: np.random.Generator, options: tuple[str, ...] | None = None) -> str:
    pool = options or names().origins
    return str(pool[int(rng.integers(0, len(pool)))])


def iso(d: np.datetime64) -> str:
    return str(to_days(d))


def today(tl: Timeline) -> date:
    return tl.end
