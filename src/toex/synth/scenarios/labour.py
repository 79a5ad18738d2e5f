"""Labour exploitation: unrelated adults housed in one HMO, working for cash businesses
in several forces, paid into one bank account the controllers hold; NRM referrals."""

from __future__ import annotations

import numpy as np

from toex.synth.rng import rng_for
from toex.synth.scenarios.base import (
    Planter,
    choose_origin,
    iso,
    keep_documents,
    neighbour_forces,
    pick_forces,
)

TRADES = (("Hand Car Wash", "45200"), ("Nails", "96020"), ("Takeaway", "56103"), ("Building Services", "43390"),
          ("Cleaning Services", "81210"))


def plant(p: Planter, index: int, volume_factor: float) -> None:
    rng = rng_for(p.seed, "scenario", "labour", str(index))
    base = pick_forces(rng, 1, set())[0]
    forces = [base, *neighbour_forces(base)[: int(rng.integers(1, 3))]]
    origin = choose_origin(rng, ("romanian", "albanian", "vietnamese", "polish", "lithuanian", "british", "nigerian"))
    hmo = p.location(rng, base, "hmo")
    boss_home = p.location(rng, base, "residential")
    boss = p.person(rng, "M", float(rng.uniform(30, 55)), origin, home=boss_home, offender=True)
    helper = p.person(rng, "M" if rng.random() < 0.6 else "F", float(rng.uniform(25, 45)), origin, home=boss_home)
    workers = [p.person(rng, "M" if rng.random() < 0.75 else "F", float(rng.uniform(19, 48)), choose_origin(rng) if rng.random() < 0.3 else origin,
                        home=hmo) for _ in range(int(rng.integers(8, 16)))]
    account = p.account(rng)
    start = p.days_before_end(int(rng.integers(400, 1200)))
    companies = p.source("companies")
    fronts = []
    for k, f in enumerate(forces):
        trade, sic = TRADES[int(rng.integers(0, len(TRADES)))]
        site = p.location(rng, f, "commercial", "shop", building=trade)
        org = p.company(f"{p._locations[site]['street']} {trade} Ltd", sic, start - np.timedelta64(int(rng.integers(100, 2000)), "D"))
        p.link(companies, "organisation", org, "location", site if k else boss_home, "registered-at")
        p.link(companies, "person", boss if k % 2 == 0 else helper, "organisation", org, "director-of", since=iso(start))
        fronts.append((f, org, site))
    nrm = p.source("nrm")
    referrals: dict[int, int] = {}
    for j, w in enumerate(workers):
        f, org, site = fronts[j % len(fronts)]
        referred = rng.random() < 0.45
        if referred:
            ev = p.event(nrm, "nrm-referral", p.date_between(rng, start, p.days_before_end(10)), f,
                         description="Referral for labour exploitation; first responder: police",
                         outcome=str(rng.choice(["Reasonable grounds: positive", "Conclusive grounds: positive", "Awaiting decision"])))
            p.involve(nrm, rng, w, ev, "subject", home_rate=0.9)
            referrals[w] = ev
            p.link(nrm, "person", w, "organisation", org, "employed-by")
            p.link(nrm, "person", w, "object", account, "holds")
        intel = p.source(f, "intel")
        if not referred or rng.random() < 0.3:
            ev = p.event(intel, "intelligence", p.date_between(rng, start, p.days_before_end(10)), f, site,
                         description="Workers are collected from a shared house each morning and appear to hand their wages to a man.",
                         grading=str(rng.choice(["2C P", "2B C", "3C P"])))
            p.involve(intel, rng, w, ev, "subject", home_rate=0.9)
            p.involve(intel, rng, boss, ev, "subject")
            p.link(intel, "person", w, "organisation", org, "employed-by")
            p.link(intel, "person", w, "object", account, "holds")
    bc = p.source(base, "crime")
    ev = p.event(bc, "offence", p.date_between(rng, start, p.days_before_end(30)), base, hmo, offence_code="106",
                 category="violent-crime", description="Modern slavery", outcome="Under investigation")
    p.involve(bc, rng, boss, ev, "suspect")
    for w in rng.choice(workers, size=min(4, len(workers)), replace=False):
        p.involve(bc, rng, int(w), ev, "victim", home_rate=1.0)
    p.link(bc, "person", boss, "object", account, "holds")
    keep_documents(p, rng, base, boss, workers, start, referrals)
    members = [("person", boss, "organiser"), ("person", helper, "facilitator")]
    members += [("person", w, "exploited") for w in workers]
    members += [("organisation", org, "front") for _, org, _ in fronts]
    members += [("location", hmo, "facilitator"), ("object", account, "facilitator")]
    p.network("labour-exploitation", index, False, ["modern-slavery", "human-trafficking", "money-laundering"],
              [f for f, _, _ in fronts], members,
              f"{len(workers)} workers housed in one HMO in {base}, working for {len(fronts)} cash businesses, wages paid into one account.")
