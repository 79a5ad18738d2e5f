"""Decoys: patterns that look like exploitation at a glance but lack its structure.

- burglary crew: adults co-offending across a force border (no children, no control);
- large family: parents and many children at one address (same surname, parent-of);
- care home: many children at one address with many missing episodes, found locally;
- employer: a large legitimate company with many employees at one site (own homes,
  own accounts, no NRM);
- prolific shoplifters: adults with many shoplifting offences in their home force.
"""

from __future__ import annotations

import numpy as np

from toex.synth.refdata import region_of
from toex.synth.rng import rng_for
from toex.synth.scenarios.base import Planter, choose_origin, iso, neighbour_forces, pick_forces


def burglary_crew(p: Planter, index: int, volume_factor: float) -> None:
    rng = rng_for(p.seed, "scenario", "decoy_burglary", str(index))
    home = pick_forces(rng, 1, set())[0]
    other = next(f for f in neighbour_forces(home) if region_of(f) != region_of(home))
    crew = [p.person(rng, "M", float(rng.uniform(24, 42)), choose_origin(rng), home=p.location(rng, home, "residential"), offender=True)
            for _ in range(int(rng.integers(3, 6)))]
    car = p.vehicle(rng)
    for _ in range(int(rng.integers(8, 16))):
        f = home if rng.random() < 0.5 else other
        src = p.source(f, "crime")
        ev = p.event(src, "offence", p.date_between(rng, p.days_before_end(900), p.days_before_end(5)), f,
                     p.location(rng, f, "residential"), offence_code="28E", category="burglary",
                     description="Burglary Residential", outcome=str(rng.choice(["Under investigation", "Offender charged"])))
        for m in rng.choice(crew, size=int(rng.integers(2, len(crew) + 1)), replace=False):
            p.involve(src, rng, int(m), ev, "suspect")
    intel = p.source(other, "intel")
    ev = p.event(intel, "intelligence", p.date_between(rng, p.days_before_end(600), p.days_before_end(5)), other, None,
                 description="Group of men from across the border believed responsible for a series of burglaries.", grading="2B P")
    for m in crew:
        p.involve(intel, rng, m, ev, "subject")
    p.link(intel, "person", crew[0], "object", car, "keeper")
    p.network("decoy-burglary-crew", index, True, [], [home, other], [("person", m, "offender") for m in crew],
              "Adult burglary crew offending across a force border: organised acquisitive crime, no exploitation.")


def large_family(p: Planter, index: int, volume_factor: float) -> None:
    rng = rng_for(p.seed, "scenario", "decoy_family", str(index))
    force = pick_forces(rng, 1, set())[0]
    origin = choose_origin(rng)
    home = p.location(rng, force, "residential")
    surname = p.surname(rng, origin)
    father = p.person(rng, "M", float(rng.uniform(38, 52)), origin, surname=surname, home=home)
    mother = p.person(rng, "F", float(rng.uniform(36, 48)), origin, surname=surname, home=home)
    kids = [p.person(rng, "M" if rng.random() < 0.5 else "F", float(rng.uniform(2, 19)), origin, surname=surname, home=home)
            for _ in range(int(rng.integers(6, 10)))]
    crime = p.source(force, "crime")
    miss = p.source(force, "missing")
    for k in kids:
        if p.age_at(k, p.tl.end64) >= 12 and rng.random() < 0.5:
            ev = p.event(crime, "offence", p.date_between(rng, p.days_before_end(1000), p.days_before_end(5)), force,
                         p.location(rng, force, "public", "public"), offence_code=str(rng.choice(["105A", "58D", "46"])),
                         category="violent-crime", description="Minor offence", outcome="Local resolution")
            p.involve(crime, rng, k, ev, "suspect", home_rate=1.0)
            p.link(crime, "person", mother, "person", k, "parent-of")
        if p.age_at(k, p.tl.end64) >= 12 and rng.random() < 0.3:
            ev = p.event(miss, "missing-episode", p.date_between(rng, p.days_before_end(800), p.days_before_end(5)), force,
                         home, hours=float(rng.uniform(3, 14)), description="Reported missing by parent", outcome="Found safe")
            p.involve(miss, rng, k, ev, "missing-person")
            p.involve(miss, rng, mother, ev, "reporter")
    ev = p.event(crime, "offence", p.date_between(rng, p.days_before_end(600), p.days_before_end(5)), force, home,
                 offence_code="58A", category="criminal-damage-arson", description="Criminal damage to a dwelling",
                 outcome="Investigation complete; no suspect identified")
    p.involve(crime, rng, father, ev, "victim", home_rate=1.0)
    for k in kids:
        p.link(crime, "person", father, "person", k, "parent-of")
    p.network("decoy-large-family", index, True, [], [force],
              [("person", father, "family"), ("person", mother, "family")] + [("person", k, "family") for k in kids],
              "A large family at one address: many children, all related, local only.")


def care_home(p: Planter, index: int, volume_factor: float) -> None:
    rng = rng_for(p.seed, "scenario", "decoy_care_home", str(index))
    force = pick_forces(rng, 1, set())[0]
    home = p.location(rng, force, "care", "care")
    kids = [p.person(rng, "M" if rng.random() < 0.5 else "F", float(rng.uniform(12, 17.5)), choose_origin(rng), home=home)
            for _ in range(int(rng.integers(6, 12)))]
    staff = p.person(rng, "F", float(rng.uniform(30, 60)), choose_origin(rng), home=p.location(rng, force, "residential"))
    miss = p.source(force, "missing")
    town = [p.location(rng, force, "public", "public") for _ in range(3)]
    for k in kids:
        for _ in range(int(rng.integers(2, 8))):
            ev = p.event(miss, "missing-episode", p.date_between(rng, p.days_before_end(900), p.days_before_end(2)), force,
                         home, hours=float(rng.uniform(2, 20)), description="Reported missing by carer", outcome="Found safe")
            p.involve(miss, rng, k, ev, "missing-person", home_rate=1.0)
            p.involve(miss, rng, staff, ev, "reporter", home_rate=0.0)
            p.link(miss, "person", k, "location", town[int(rng.integers(0, 3))], "found-at")
    p.network("decoy-care-home", index, True, [], [force], [("person", k, "resident") for k in kids] + [("location", home, "address")],
              "Children's home with many missing episodes, each found locally; no adults controlling them.")


def employer(p: Planter, index: int, volume_factor: float) -> None:
    rng = rng_for(p.seed, "scenario", "decoy_employer", str(index))
    force = pick_forces(rng, 1, set())[0]
    site = p.location(rng, force, "commercial", "shop", building="Distribution Centre")
    org = p.company(f"{p._locations[site]['street']} Logistics Ltd", "52103", p.tl.start64 - np.timedelta64(3000, "D"))
    companies = p.source("companies")
    p.link(companies, "organisation", org, "location", site, "registered-at")
    directors = [p.person(rng, "M" if rng.random() < 0.5 else "F", float(rng.uniform(45, 65)), "british",
                          home=p.location(rng, force, "residential")) for _ in range(3)]
    for d in directors:
        p.link(companies, "person", d, "organisation", org, "director-of", since=iso(p.tl.start64 - np.timedelta64(2000, "D")))
    staff = [p.person(rng, "M" if rng.random() < 0.6 else "F", float(rng.uniform(19, 62)), choose_origin(rng),
                      home=p.location(rng, force, "residential")) for _ in range(int(rng.integers(25, 50)))]
    crime = p.source(force, "crime")
    intel = p.source(force, "intel")
    for s in staff:
        if rng.random() < 0.4:
            ev = p.event(crime, "offence", p.date_between(rng, p.days_before_end(1000), p.days_before_end(5)), force, site,
                         offence_code=str(rng.choice(["41", "45", "105A"])), category="other-theft",
                         description="Theft or assault at work", outcome="Under investigation")
            p.involve(crime, rng, s, ev, str(rng.choice(["victim", "witness"])), home_rate=1.0)
            p.link(crime, "person", s, "organisation", org, "employed-by")
    ev = p.event(intel, "intelligence", p.date_between(rng, p.days_before_end(500), p.days_before_end(5)), force, site,
                 description="Large numbers of workers arrive at the distribution centre by minibus at shift change.", grading="2C P")
    for s in staff[:4]:
        p.involve(intel, rng, s, ev, "subject")
        p.link(intel, "person", s, "organisation", org, "employed-by")
    p.network("decoy-employer", index, True, [], [force],
              [("organisation", org, "employer")] + [("person", s, "employee") for s in staff],
              "Large legitimate employer with many staff at one site; staff live in their own homes, no shared accounts.")


def prolific_shoplifters(p: Planter, index: int, volume_factor: float) -> None:
    rng = rng_for(p.seed, "scenario", "decoy_shoplifters", str(index))
    force = pick_forces(rng, 1, set())[0]
    people = [p.person(rng, "M" if rng.random() < 0.6 else "F", float(rng.uniform(25, 50)), choose_origin(rng),
                       home=p.location(rng, force, "residential"), offender=True) for _ in range(int(rng.integers(2, 5)))]
    shops = [p.location(rng, force, "commercial", "shop") for _ in range(6)]
    crime = p.source(force, "crime")
    cust = p.source(force, "custody")
    for person in people:
        for _ in range(int(rng.integers(15, 35))):
            when = p.date_between(rng, p.days_before_end(1200), p.days_before_end(2))
            ev = p.event(crime, "offence", when, force, shops[int(rng.integers(0, len(shops)))], offence_code="46",
                         category="shoplifting", description="Shoplifting", outcome=str(rng.choice(["Offender charged", "Under investigation"])))
            p.involve(crime, rng, person, ev, "suspect")
            if rng.random() < 0.2:
                c = p.event(cust, "custody", when + np.timedelta64(3600, "s"), force, None, hours=5, offence_code="46",
                            description="Arrested on suspicion of shoplifting", outcome="Charged")
                p.involve(cust, rng, person, c, "subject")
    p.network("decoy-prolific-shoplifters", index, True, [], [force], [("person", x, "offender") for x in people],
              "Adult prolific shoplifters offending alone in their home force.")
