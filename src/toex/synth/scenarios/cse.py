"""Group-based child sexual exploitation: adult men, girls with repeated missing
episodes found at hotels and at the men's addresses, a car, graded intelligence."""

from __future__ import annotations

from toex.synth.rng import rng_for
from toex.synth.scenarios.base import Planter, choose_origin, neighbour_forces, pick_forces


def plant(p: Planter, index: int, volume_factor: float) -> None:
    rng = rng_for(p.seed, "scenario", "cse", str(index))
    force = pick_forces(rng, 1, set())[0]
    forces = [force] + ([neighbour_forces(force)[0]] if rng.random() < 0.35 else [])
    origin = choose_origin(rng)
    men = [p.person(rng, "M", float(rng.uniform(24, 46)), origin if rng.random() < 0.7 else choose_origin(rng),
                    home=p.location(rng, force, "residential"), offender=True) for _ in range(int(rng.integers(3, 7)))]
    girls = [p.person(rng, "F", float(rng.uniform(14.5, 17.5)), choose_origin(rng), home=p.location(rng, force, "residential"))
             for _ in range(int(rng.integers(3, 7)))]
    hotels = [p.location(rng, f, "hotel", "hotel") for f in forces for _ in range(2)]
    hotel_force = {h: f for h, f in zip(hotels, [f for f in forces for _ in range(2)], strict=True)}
    used = {force}  # the truth's forces: where the network's activity happened (docs/tasking.md)
    car = p.vehicle(rng)
    miss = p.source(force, "missing")
    for g in girls:
        for _ in range(int(rng.integers(3, 9))):
            when = p.date_between(rng, p.days_before_end(700), p.days_before_end(3))
            ev = p.event(miss, "missing-episode", when, force, p.homes[g], hours=float(rng.uniform(6, 40)),
                         description=str(rng.choice(["Reported missing by parent", "Reported missing by carer", "Failed to return home"])),
                         outcome="Found safe")
            p.involve(miss, rng, g, ev, "missing-person")
            found = hotels[int(rng.integers(0, len(hotels)))] if rng.random() < 0.6 else p.homes[men[int(rng.integers(0, len(men)))]]
            p.link(miss, "person", g, "location", found, "found-at")
            used.add(hotel_force.get(found, force))
    intel = p.source(force, "intel")
    for _ in range(int(rng.integers(3, 7))):
        when = p.date_between(rng, p.days_before_end(700), p.days_before_end(3))
        hotel = hotels[int(rng.integers(0, len(hotels)))]
        used.add(hotel_force[hotel])
        ev = p.event(intel, "intelligence", when, force, hotel,
                     description="Girls believed to be under 16 seen getting into a car with older men and taken to a hotel.",
                     grading=str(rng.choice(["2B C", "2C C", "3C C", "1B C"])))
        for m in rng.choice(men, size=2, replace=False):
            p.involve(intel, rng, int(m), ev, "subject")
        for g in rng.choice(girls, size=min(2, len(girls)), replace=False):
            p.involve(intel, rng, int(g), ev, "subject")
        p.link(intel, "person", men[0], "object", car, "keeper")
        p.link(intel, "event", ev, "object", car, "involves")
    ev = p.event(intel, "intelligence", p.date_between(rng, p.days_before_end(700), p.days_before_end(3)), force, None,
                 description="Group of men believed to be supplying alcohol and lifts to girls from the area.", grading="3C C")
    for m in men:
        p.involve(intel, rng, m, ev, "subject")
    crime = p.source(force, "crime")
    for g in rng.choice(girls, size=min(2, len(girls)), replace=False):
        ev = p.event(crime, "offence", p.date_between(rng, p.days_before_end(500), p.days_before_end(10)), force,
                     p.homes[men[0]], offence_code="71", category="violent-crime",
                     description="Abuse of children through sexual exploitation", outcome="Under investigation")
        p.involve(crime, rng, int(g), ev, "victim")
        for m in men[:2]:
            p.involve(crime, rng, m, ev, "suspect")
    ss = p.source(force, "stopsearch")
    ev = p.event(ss, "stop-search", p.date_between(rng, p.days_before_end(400), p.days_before_end(10)), force,
                 p.location(rng, force, "public", "public"), description="Search under s.1 PACE for stolen articles",
                 outcome="A no further action disposal")
    p.involve(ss, rng, men[0], ev, "subject")
    p.involve(ss, rng, girls[0], ev, "subject")
    p.link(ss, "event", ev, "object", car, "involves")
    members = [("person", m, "organiser") for m in men[:2]] + [("person", m, "associate") for m in men[2:]]
    members += [("person", g, "exploited") for g in girls] + [("object", car, "facilitator")]
    members += [("location", h, "facilitator") for h in hotels[:1]]
    # a hotel in the neighbouring force makes it part of the network's geography only if it was used
    p.network("cse", index, False, ["child-sexual-exploitation"], sorted(used), members,
              f"{len(men)} adult men exploiting {len(girls)} girls in {force}: repeated missing episodes, hotels, a car.")
