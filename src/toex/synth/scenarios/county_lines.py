"""County lines: an urban hub supplying a town in another force through a deal line.

Child runners from the hub go missing and are found out of area; the deal-line phone
passes from runner to runner over time (``uses`` with since/until); a vulnerable
adult's home in the county town is cuckooed (runners ``stays-at`` it, drug supply
offences 92A happen there); stop-searches and intelligence tie runners, dealers
and the line together.
"""

from __future__ import annotations

from typing import Final

import numpy as np

from toex.synth.rng import rng_for
from toex.synth.scenarios.base import Offence, Planter, choose_origin, iso, neighbour_forces
from toex.synth.timeline import to_seconds

HUBS = ("metropolitan", "west-midlands", "merseyside", "greater-manchester", "west-yorkshire", "south-yorkshire", "northumbria")
DRUGS: Final = Offence(offence_code="92A", category="drugs", description="Trafficking in controlled drugs")


def plant(p: Planter, index: int, volume_factor: float) -> None:
    rng = rng_for(p.seed, "scenario", "county_lines", str(index))
    hub = HUBS[int(rng.integers(0, len(HUBS)))]
    near = neighbour_forces(hub)
    county = near[int(rng.integers(0, 6))] if rng.random() < 0.5 else near[int(rng.integers(6, 20))]
    origin = choose_origin(rng)
    hub_home = p.location(rng, hub, "residential")
    organiser = p.person(rng, "M", float(rng.uniform(22, 34)), origin, home=hub_home, offender=True)
    dealers = [p.person(rng, "M", float(rng.uniform(18, 26)), choose_origin(rng), home=p.location(rng, hub, "residential"), offender=True)
               for _ in range(int(rng.integers(1, 3)))]
    runners = [p.person(rng, "M" if rng.random() < 0.8 else "F", float(rng.uniform(15, 17.9)), choose_origin(rng),
                        home=p.location(rng, hub, "residential"), offender=True) for _ in range(int(rng.integers(4, 8)))]
    victim_home = p.location(rng, county, "residential")
    victim = p.person(rng, "M" if rng.random() < 0.6 else "F", float(rng.uniform(40, 64)), "british", home=victim_home)
    line = p.obj("phone", "07" + str(int(rng.integers(100_000_000, 999_999_999))), "mobile")
    line_name = str(rng.choice(["JAY", "KAY", "TONY", "MAC", "BIGS", "ACE", "ZED"]))
    start = p.days_before_end(int(rng.integers(500, 1000)))
    span = int((to_seconds(p.tl.end64) - start).astype(np.int64))
    cc = p.source(county, "crime")
    cs = p.source(county, "stopsearch")
    ci = p.source(county, "intel")
    hm = p.source(hub, "missing")
    slot = span // len(runners)
    for k, r in enumerate(runners):
        since = start + np.timedelta64(k * slot, "s")
        until = since + np.timedelta64(slot, "s")
        # holding the line: seen with it at a stop-search in the county
        ev = p.event(cs, "stop-search", since + np.timedelta64(int(rng.integers(0, slot)), "s"), county,
                     p.location(rng, county, "public", "public"), description="Search under s.23 Misuse of Drugs Act 1971",
                     outcome=str(rng.choice(["Arrest", "A no further action disposal", "Community resolution"])))
        p.involve(cs, rng, r, ev, "subject", phone_rate=0.0)
        p.link(cs, "person", r, "object", line, "uses", since=iso(since), until=iso(until))
        p.link(cs, "event", ev, "object", line, "involves")
        # staying at the cuckooed address, supply offences there
        p.link(cc, "person", r, "location", victim_home, "stays-at", since=iso(since), until=iso(until))
        for _ in range(int(rng.integers(1, 3))):
            ev = p.event(cc, "offence", since + np.timedelta64(int(rng.integers(0, slot)), "s"), county, victim_home,
                         outcome=str(rng.choice(["Offender charged", "Under investigation"])), **DRUGS)
            p.involve(cc, rng, r, ev, "suspect")
            if rng.random() < 0.4:
                p.involve(cc, rng, dealers[0], ev, "suspect")
        # missing from home in the hub, found in the county town
        for _ in range(int(rng.integers(1, 4))):
            when = since + np.timedelta64(int(rng.integers(0, slot)), "s")
            ev = p.event(hm, "missing-episode", when, hub, p.homes[r], hours=float(rng.uniform(24, 120)),
                         description="Reported missing by parent", outcome="Found safe")
            p.involve(hm, rng, r, ev, "missing-person")
            found = victim_home if rng.random() < 0.5 else p.location(rng, county, "public", "public")
            p.link(hm, "person", r, "location", found, "found-at", since=iso(when + np.timedelta64(2, "D")))
    p.link(cc, "person", victim, "location", victim_home, "resides-at")
    ev = p.event(cc, "offence", p.date_between(rng, start, p.days_before_end(30)), county, victim_home,
                 offence_code="105A", category="violent-crime", description="Assault without injury", outcome="Unable to prosecute suspect")
    p.involve(cc, rng, victim, ev, "victim")
    p.involve(cc, rng, runners[0], ev, "suspect")
    for _ in range(int(rng.integers(2, 5))):
        ev = p.event(ci, "intelligence", p.date_between(rng, start, p.days_before_end(5)), county, victim_home,
                     description=f"Drugs line '{line_name}' believed to be run from {hub} using young people staying at the address of a vulnerable adult.",
                     grading=str(rng.choice(["2B P", "1B P", "2C P", "3C C"])))
        p.involve(ci, rng, organiser, ev, "subject")
        p.link(ci, "event", ev, "object", line, "involves")
        for r in rng.choice(runners, size=2, replace=False):
            p.involve(ci, rng, int(r), ev, "subject")
    hi = p.source(hub, "intel")
    ev = p.event(hi, "intelligence", p.date_between(rng, start, p.days_before_end(5)), hub, hub_home,
                 description="Subject is believed to control a drugs line supplying a town out of force, using local teenagers.",
                 grading="2B P")
    p.involve(hi, rng, organiser, ev, "subject")
    for d in dealers:
        p.involve(hi, rng, d, ev, "subject")
    p.link(hi, "person", organiser, "object", line, "uses", since=iso(start))
    members = [("person", organiser, "organiser")] + [("person", d, "associate") for d in dealers]
    members += [("person", r, "exploited") for r in runners] + [("person", victim, "exploited")]
    members += [("object", line, "facilitator"), ("location", victim_home, "facilitator")]
    p.network("county-lines", index, False, ["county-lines", "child-criminal-exploitation"], [hub, county], members,
              f"County line '{line_name}' from {hub} to {county}: {len(runners)} child runners, a cuckooed address.")
