"""The travelling child shoplifting group (the case study).

Children living at a few shared addresses in a home force are driven to shops in
forces of other regions for short shoplifting sprees over two years; they are
reported missing at home and found out of area. The adults who control them
co-reside with them, appear with them in intelligence, were suspects in an earlier
modern slavery case (whose victims worked at their hand car wash), exploit young
women sexually, and direct companies (hand car wash, nail bar) registered at the
group's addresses. In the last months the group concentrates on one force, which
shows a surge of juvenile shoplifting against that force's seasonal baseline.
"""

from __future__ import annotations

from typing import Final

import numpy as np

from toex.synth.refdata import region_of
from toex.synth.rng import rng_for
from toex.synth.scenarios.base import (
    Offence,
    Planter,
    choose_origin,
    iso,
    keep_documents,
    pick_forces,
)
from toex.synth.timeline import to_days, to_seconds

ORIGINS = ("romanian", "albanian", "british", "irish", "lithuanian", "polish", "vietnamese")
SHOPLIFT: Final = Offence(offence_code="46", category="shoplifting", description="Shoplifting")


def plant(p: Planter, index: int, volume_factor: float) -> None:
    cfg = p.cfg.case_study
    rng = rng_for(p.seed, "scenario", "case_study", str(index))
    tl = p.tl
    origin = choose_origin(rng, ORIGINS)
    home_force = cfg.home_force if (cfg.home_force and index == 0) else pick_forces(rng, 1, set())[0]
    home_region = region_of(home_force) or home_force
    n_visit = int(rng.integers(cfg.forces_visited[0], cfg.forces_visited[1] + 1))
    visited = pick_forces(rng, n_visit, {home_force}, avoid_regions={home_region})
    if cfg.surge_force and index == 0 and cfg.surge_force != home_force:
        surge_force = cfg.surge_force
    else:
        surge_force = visited[0]
    if surge_force not in visited:
        visited = [surge_force, *visited[:-1]]
    family = p.surname(rng, origin)

    # addresses of the group in the home force
    n_addr = int(rng.integers(2, 4))
    addresses = [p.location(rng, home_force, "residential") for _ in range(n_addr)]
    # adults
    n_org = int(rng.integers(cfg.organisers[0], cfg.organisers[1] + 1))
    organisers = []
    for i in range(n_org):
        sex = "M" if i != 1 else "F"
        surname = family if i < 2 else None
        organisers.append(p.person(rng, sex, float(rng.uniform(33, 52)), origin, surname=surname,
                                   home=addresses[0] if i < 2 else addresses[-1], offender=True))
    drivers = [p.person(rng, "M", float(rng.uniform(22, 34)), origin, home=addresses[1], offender=True)
               for _ in range(int(rng.integers(1, 3)))]
    vehicle = p.vehicle(rng)
    # children: unrelated surnames, two or three to an address
    n_child = int(rng.integers(cfg.children[0], cfg.children[1] + 1))
    children = []
    for i in range(n_child):
        child_origin = origin if rng.random() < 0.8 else choose_origin(rng)
        children.append(p.person(rng, "M" if rng.random() < 0.6 else "F", float(rng.uniform(13.5, 17.9)), child_origin,
                                 home=addresses[i % n_addr], offender=True))
    adults = organisers + drivers

    def crime(force: str) -> str:
        return force

    # out-of-area sprees over the two years before the surge
    surge_start = tl.end64 - np.timedelta64(cfg.surge_months * 30, "D")
    n_trips = int(rng.integers(cfg.sprees[0], cfg.sprees[1] + 1))
    for t in range(n_trips):
        force = visited[t % len(visited)]
        start = p.date_between(rng, p.days_before_end(730), to_seconds(surge_start))
        kids = list(rng.choice(children, size=min(len(children), int(rng.integers(2, 5))), replace=False))
        driver = drivers[int(rng.integers(0, len(drivers)))]
        _spree(p, rng, force, start, kids, driver, vehicle, int(rng.integers(3, 7)), home_force)
    # the surge: many offences in one force in the last months
    n_surge = max(6, int(round(cfg.surge_offences * volume_factor)))
    shops = [p.location(rng, surge_force, "commercial", "shop") for _ in range(max(4, n_surge // 3))]
    crime_src = p.source(surge_force, "crime")
    for _ in range(n_surge):
        when = p.date_between(rng, to_seconds(surge_start), p.days_before_end(1))
        ev = p.event(crime_src, "offence", when, surge_force, shops[int(rng.integers(0, len(shops)))],
                     outcome=str(rng.choice(["Under investigation", "Offender charged", "Unable to prosecute suspect"])),
                     **SHOPLIFT)
        for kid in rng.choice(children, size=int(rng.integers(1, 4)), replace=False):
            p.involve(crime_src, rng, int(kid), ev, "suspect")
    cust = p.source(surge_force, "custody")
    for kid in rng.choice(children, size=min(3, len(children)), replace=False):
        when = p.date_between(rng, to_seconds(surge_start), p.days_before_end(2))
        ev = p.event(cust, "custody", when, surge_force, None, hours=8, offence_code="46",
                     description="Arrested on suspicion of shoplifting", outcome="Released under investigation")
        p.involve(cust, rng, int(kid), ev, "subject", home_rate=1.0)
    # home-force intelligence: adults with the children
    intel = p.source(home_force, "intel")
    for _ in range(int(rng.integers(2, 5))):
        when = p.date_between(rng, p.days_before_end(900), p.days_before_end(20))
        ev = p.event(intel, "intelligence", when, home_force, addresses[int(rng.integers(0, n_addr))],
                     description="Adults at the address are believed to be taking children to other areas to steal to order.",
                     grading=str(rng.choice(["2B P", "2C P", "1B C", "3C P"])))
        for who in [*rng.choice(adults, size=min(2, len(adults)), replace=False), *rng.choice(children, size=2, replace=False)]:
            p.involve(intel, rng, int(who), ev, "subject")
    # earlier trafficking operation (modern slavery) in the first year
    traffick_force = home_force if rng.random() < 0.5 else pick_forces(rng, 1, {home_force, *visited})[0]
    t0 = p.date_between(rng, to_seconds(tl.start64), to_seconds(tl.start64 + np.timedelta64(300, "D")))
    workers = [p.person(rng, "M", float(rng.uniform(20, 34)), origin) for _ in range(int(rng.integers(3, 6)))]
    inc = tl.start64 - np.timedelta64(int(rng.integers(200, 1500)), "D")
    wash = p.company(f"{p._locations[addresses[0]]['street']} Hand Car Wash Ltd", "45200", inc)
    nails = p.company(f"{str(rng.choice(['Glamour', 'Crystal', 'Diamond', 'Luxury', 'Star']))} Nails Ltd", "96020",
                      inc + np.timedelta64(int(rng.integers(100, 900)), "D"))
    wash_site = p.location(rng, home_force, "commercial", "shop", building="Hand Car Wash")
    companies = p.source("companies")
    p.link(companies, "organisation", wash, "location", addresses[0], "registered-at")
    p.link(companies, "organisation", nails, "location", addresses[-1] if n_addr > 1 else wash_site, "registered-at")
    p.link(companies, "person", organisers[0], "organisation", wash, "director-of", since=iso(inc))
    p.link(companies, "person", organisers[min(1, n_org - 1)], "organisation", nails, "director-of", since=iso(inc))
    if n_org > 2:
        p.link(companies, "person", organisers[2], "organisation", wash, "controls", since=iso(inc))
    tc = p.source(traffick_force, "crime")
    ev = p.event(tc, "offence", t0, traffick_force, wash_site if traffick_force == home_force else
                 p.location(rng, traffick_force, "hmo"), offence_code="106", category="violent-crime",
                 description="Modern slavery", outcome="Unable to prosecute suspect")
    for o in organisers[:2]:
        p.involve(tc, rng, o, ev, "suspect")
    for w in workers:
        p.involve(tc, rng, w, ev, "victim", home_rate=0.0)
    nrm = p.source("nrm")
    referrals: dict[int, int] = {}
    for w in workers:
        if rng.random() < 0.8:
            r = p.event(nrm, "nrm-referral", t0 + np.timedelta64(int(rng.integers(1, 40)), "D"), traffick_force,
                        description="Referral for labour exploitation; first responder: police",
                        outcome=str(rng.choice(["Conclusive grounds: positive", "Reasonable grounds: positive"])))
            p.involve(nrm, rng, w, r, "subject", home_rate=0.0)
            referrals[w] = r
            p.link(nrm, "person", w, "organisation", wash, "employed-by")
    ti = p.source(traffick_force, "intel")
    ev = p.event(ti, "intelligence", t0 - np.timedelta64(int(rng.integers(10, 60)), "D"), traffick_force, wash_site,
                 description="Workers at the hand car wash are believed to be unpaid and housed by the owners.",
                 grading="2B C")
    for who in [organisers[0], *workers[:2]]:
        p.involve(ti, rng, who, ev, "subject")
    p.link(ti, "person", workers[0], "organisation", wash, "employed-by")
    # sexual exploitation of young women, one of them working at the nail bar
    cse_force = home_force
    women = [p.person(rng, "F", float(rng.uniform(17.5, 22)), choose_origin(rng)) for _ in range(int(rng.integers(2, 4)))]
    cc = p.source(cse_force, "crime")
    for w in women:
        when = p.date_between(rng, p.days_before_end(1100), p.days_before_end(60))
        young = p.age_at(w, to_days(when)) < 18
        ev = p.event(cc, "offence", when, cse_force, addresses[-1],
                     offence_code="71" if young else "24", category="violent-crime" if young else "other-crime",
                     description="Abuse of children through sexual exploitation" if young else "Exploitation of prostitution",
                     outcome="Under investigation")
        p.involve(cc, rng, organisers[0], ev, "suspect")
        if len(drivers) > 1 or rng.random() < 0.5:
            p.involve(cc, rng, drivers[0], ev, "suspect")
        p.involve(cc, rng, w, ev, "victim")
    ci = p.source(cse_force, "intel")
    ev = p.event(ci, "intelligence", p.date_between(rng, p.days_before_end(900), p.days_before_end(100)), cse_force,
                 None, description="Young women are believed to be working at the nail bar and being taken to addresses for sex.",
                 grading="3C C")
    p.involve(ci, rng, organisers[0], ev, "subject")
    for w in women:
        p.involve(ci, rng, w, ev, "subject")
        p.link(ci, "person", w, "organisation", nails, "employed-by")

    # the car-wash workers' passports, kept by the organiser who ran the car wash
    keep_documents(p, rng, traffick_force, organisers[0], workers, to_seconds(t0), referrals)

    forces = [home_force, *visited, traffick_force]
    members: list[tuple[str, int, str]] = [("person", o, "organiser") for o in organisers]
    members += [("person", d, "associate") for d in drivers]
    members += [("person", c, "exploited") for c in children]
    members += [("person", w, "exploited") for w in workers + women]
    members += [("organisation", wash, "front"), ("organisation", nails, "front")]
    members += [("location", a, "facilitator") for a in addresses] + [("object", vehicle, "facilitator")]
    p.network("case-study", index, False,
              ["child-criminal-exploitation", "human-trafficking", "modern-slavery", "child-sexual-exploitation", "money-laundering"],
              forces, members,
              f"Travelling group of {n_child} children from {home_force} shoplifting in {len(visited)} forces, "
              f"controlled by {n_org} adults linked to modern slavery, sexual exploitation and two front companies.")
    p.out.trends.append({
        "kind": "emerging-trend", "force": surge_force, "offence_code": "46", "category": "shoplifting",
        "group": "age:10-17", "period": {"from": iso(surge_start), "to": iso(tl.end64)}, "network_id": f"case-study-{index + 1}",
    })
    del crime


def _spree(p: Planter, rng: np.random.Generator, force: str, start: np.datetime64, kids: list[int], driver: int,
           vehicle: int, n_offences: int, home_force: str) -> None:
    """A 1-3 day trip: shoplifting at several shops, sometimes an arrest, a missing report at home."""
    src = p.source(force, "crime")
    shops = [p.location(rng, force, "commercial", "shop") for _ in range(max(2, n_offences // 2))]
    for _ in range(n_offences):
        when = start + np.timedelta64(int(rng.integers(0, 3 * 86400)), "s")
        ev = p.event(src, "offence", when, force, shops[int(rng.integers(0, len(shops)))],
                     outcome=str(rng.choice(["Under investigation", "Unable to prosecute suspect", "Offender charged"])),
                     **SHOPLIFT)
        for kid in rng.choice(kids, size=int(rng.integers(1, min(3, len(kids)) + 1)), replace=False):
            p.involve(src, rng, int(kid), ev, "suspect", phone_rate=0.1)
        if rng.random() < 0.25:
            p.involve(src, rng, driver, ev, "suspect")
    if rng.random() < 0.5:
        cust = p.source(force, "custody")
        kid = int(kids[0])
        ev = p.event(cust, "custody", start + np.timedelta64(int(rng.integers(3600, 2 * 86400)), "s"), force, None,
                     hours=6, offence_code="46", description="Arrested on suspicion of shoplifting",
                     outcome=str(rng.choice(["Released under investigation", "Bailed", "Charged"])))
        p.involve(cust, rng, kid, ev, "subject", home_rate=1.0)
    if rng.random() < 0.5:
        intel = p.source(force, "intel")
        ev = p.event(intel, "intelligence", start + np.timedelta64(int(rng.integers(0, 2 * 86400)), "s"), force,
                     shops[0], description="Children seen being dropped at shops by an adult driving a car; they left together.",
                     grading=str(rng.choice(["2B P", "2C P", "3C P", "1B P"])))
        p.involve(intel, rng, driver, ev, "subject")
        p.link(intel, "person", driver, "object", vehicle, "keeper")
        p.link(intel, "event", ev, "object", vehicle, "involves")
        for kid in kids[:2]:
            p.involve(intel, rng, int(kid), ev, "subject")
    if rng.random() < 0.6:
        miss = p.source(home_force, "missing")
        for kid in kids[: int(rng.integers(1, len(kids) + 1))]:
            found = shops[int(rng.integers(0, len(shops)))]
            ev = p.event(miss, "missing-episode", start - np.timedelta64(int(rng.integers(1, 8)) * 3600, "s"), home_force,
                         p.homes[int(kid)], hours=float(rng.uniform(20, 70)),
                         description=str(rng.choice(["Reported missing by parent", "Failed to return home"])),
                         outcome="Found safe")
            p.involve(miss, rng, int(kid), ev, "missing-person")
            p.link(miss, "person", int(kid), "location", found, "found-at", since=iso(start + np.timedelta64(2, "D")))
