"""Hand-built scenes: a miniature case study and the decoys that must not fire.

Ids tell the truth: ``P-0000O*`` organisers, ``P-0000C*`` exploited children,
``P-00DF*`` large family, ``P-00DH*`` care home, ``P-00DE*`` employer staff,
``P-00DB*`` adult burglars, ``P-00DS*`` adult shoplifters. Dates end in June 2024.
"""

from __future__ import annotations

from datetime import date

from tests.graph.world import World

ORGANISERS = ("P-0000O1", "P-0000O2")
CHILDREN = ("P-0000C1", "P-0000C2", "P-0000C3", "P-0000C4")
FRONT = "O-0000F1"


def case_study(w: World) -> None:
    """Adults in London send four children shoplifting across forces; a car wash is their front."""
    w.person("P-0000O1", "Marek", "Kowal", date(1979, 3, 2), "M")
    w.person("P-0000O2", "Ivan", "Dorin", date(1984, 8, 9), "M")
    for i, c in enumerate(CHILDREN):
        w.person(c, f"Kid{i}", f"Child{i}", date(2009 + i % 2, 1 + i, 10), "M" if i % 2 else "F")
    w.location("L-0000H1", "Flat 3, 2 Mill Road, London", "metropolitan")
    w.location("L-0000H2", "7 Station Road, London", (51.55, -0.05))
    w.location("L-0000CW", "Unit 4 Yard, London", (51.52, -0.02), kind="commercial")
    w.obj("T-0000V1", "vehicle", "AB12CDE")
    w.obj("T-0000PH", "phone", "+447700900001")
    w.org(FRONT, "Sparkle Hand Car Wash Ltd", "45200")
    # Children live with the adults (not family); the adults control the places, car, phone and company.
    for c in CHILDREN:
        w.link(c, "L-0000H1", "resides-at", "2023-01-01")
        w.link(c, "T-0000PH", "uses")
    w.link("P-0000O1", "L-0000H1", "resides-at", "2022-01-01")
    w.link("P-0000O2", "L-0000H2", "resides-at", "2021-01-01")
    w.link("P-0000O2", "T-0000V1", "keeper")
    w.link("P-0000O1", "T-0000PH", "uses")
    w.link("P-0000O1", FRONT, "director-of", "2020-05-01")
    w.link("P-0000O2", FRONT, "controls", "2020-05-01")
    w.link(FRONT, "L-0000CW", "trades-at")
    w.link(FRONT, "L-0000H2", "registered-at")
    w.link("P-0000C1", FRONT, "employed-by")
    # An earlier trafficking case at the flat, with O1 as suspect.
    w.event("old106", "offence", "2016-04-01", "metropolitan", offence_code="106", location="L-0000H1")
    w.link("P-0000O1", "old106", "suspect")
    # Sprees: pairs of children shoplifting in Suffolk, Dorset, South Wales and Kent, driven in O2's car.
    trips = [("suffolk", "2024-03-"), ("dorset", "2023-11-"), ("south-wales", "2023-09-"), ("kent", "2024-01-"),
             ("suffolk", "2024-04-"), ("suffolk", "2024-05-")]
    n = 0
    for force, month in trips:
        shop = w.location(f"L-S{n:06d}", f"Shop {n}, High Street", force, kind="commercial")
        for day in (3, 4):
            n += 1
            kids = [CHILDREN[n % 4], CHILDREN[(n + 1) % 4]]
            ev = w.offence(f"sh{n}", f"{month}{day:02d}", force, kids, location=shop)
            w.link(ev.split(":")[-1], "T-0000V1", "involves")
    # One offence where O2 is with them.
    w.offence("sh99", "2024-05-20", "suffolk", [CHILDREN[0], "P-0000O2"])
    # Missing episodes: found at O2's address far from home... and at a hotel.
    for i, c in enumerate(CHILDREN[:3]):
        for k in range(3):
            ref = f"mis{i}{k}"
            w.event(ref, "missing-episode", f"2024-0{2 + k}-1{i}", "metropolitan")
            w.link(c, ref, "missing-person")
        w.link(c, "L-0000H2", "found-at", f"2024-02-1{i}")
    # An NRM referral for one child names O2 as the suspect: O2 is not a potential victim.
    w.event("nrm1", "nrm-referral", "2024-05-25", "metropolitan")
    w.link(CHILDREN[1], "nrm1", "subject")
    w.link("P-0000O2", "nrm1", "suspect")
    # Intelligence: O1 and O2 together, graded.
    w.event("int1", "intelligence", "2024-02-01", "metropolitan", grading="2B P")
    w.link("P-0000O1", "int1", "subject")
    w.link("P-0000O2", "int1", "subject")


def large_family(w: World) -> None:
    """Two parents and eight children at one address; some children shoplift locally."""
    w.person("P-00DF01", "Tom", "Large", date(1975, 1, 1), "M")
    w.person("P-00DF02", "Ann", "Large", date(1977, 1, 1), "F")
    w.location("L-00DF01", "1 Farm Lane, Norwich", "norfolk")
    w.link("P-00DF01", "L-00DF01", "resides-at")
    w.link("P-00DF02", "L-00DF01", "resides-at")
    w.link("P-00DF01", "P-00DF02", "partner-of")
    for i in range(8):
        kid = w.person(f"P-00DF{10 + i}", f"Kid{i}", "Large", date(2006 + i, 3, 3), "M")
        w.link(kid, "L-00DF01", "resides-at")
        w.link("P-00DF02", kid, "parent-of")
    w.offence("df1", "2024-02-02", "norfolk", ["P-00DF10", "P-00DF11"])
    w.offence("df2", "2024-03-02", "norfolk", ["P-00DF10", "P-00DF01"])


def care_home(w: World) -> None:
    """A children's care home: ten children, many missing episodes, found nearby."""
    home = w.location("L-00DH01", "Oak House, 5 Park Road, Ipswich", "suffolk")
    park = w.location("L-00DH02", "Christchurch Park, Ipswich", (52.065, 1.155), kind="public")
    for i in range(10):
        kid = w.person(f"P-00DH{i:02d}", f"Resident{i}", f"Surname{i}", date(2008 + i % 3, 5, 5), "F")
        w.link(kid, home, "resides-at")
        for k in range(5):
            ref = f"dh{i}-{k}"
            w.event(ref, "missing-episode", f"2024-0{1 + k}-0{1 + i % 9}", "suffolk")
            w.link(kid, ref, "missing-person")
        w.link(kid, park, "found-at", "2024-01-01")


def big_employer(w: World) -> None:
    """A large legitimate employer with sixty staff who live at their own addresses."""
    w.org("O-00DE01", "Big Logistics plc", "52100")
    w.location("L-00DE01", "Distribution Park, Daventry", "west-midlands", kind="commercial")
    w.link("O-00DE01", "L-00DE01", "trades-at")
    w.person("P-00DE00", "Boss", "Person", date(1970, 1, 1), "M")
    w.link("P-00DE00", "O-00DE01", "director-of")
    for i in range(1, 60):
        staff = w.person(f"P-00DE{i:02d}", f"Staff{i}", f"Worker{i}", date(1980 + i % 20, 2, 2), "F")
        w.link(staff, "O-00DE01", "employed-by")
        home = w.location(f"L-00DEH{i:02d}", f"{i} Some Street", (52.4 + i / 1000, -1.9))
        w.link(staff, home, "resides-at")


def burglary_crew(w: World) -> None:
    """Four adults burgling across the Essex / London border."""
    crew = [w.person(f"P-00DB0{i}", f"Burg{i}", f"Lar{i}", date(1985 + i, 6, 6), "M") for i in range(4)]
    w.location("L-00DB01", "9 Crew Road, Romford", (51.58, 0.18))
    for p in crew:
        w.link(p, "L-00DB01", "stays-at")
    for k in range(8):
        force = "essex" if k % 2 else "metropolitan"
        w.offence(f"db{k}", f"2024-0{1 + k % 6}-1{k}", force, crew[:3] if k % 2 else crew[1:], code="28E",
                  category="burglary")


def prolific_shoplifters(w: World) -> None:
    """Two adult prolific shoplifters in their home force."""
    a = w.person("P-00DS01", "Shop", "Lifter", date(1990, 1, 1), "F")
    b = w.person("P-00DS02", "Other", "Taker", date(1988, 1, 1), "F")
    w.location("L-00DS01", "4 Quay Street, Ipswich", "suffolk")
    w.link(a, "L-00DS01", "resides-at")
    w.link(b, "L-00DS01", "resides-at")
    for k in range(20):
        w.offence(f"ds{k}", f"2024-0{1 + k % 6}-{10 + k}", "suffolk", [a, b])


def all_scenes(w: World) -> None:
    case_study(w)
    large_family(w)
    care_home(w)
    big_employer(w)
    burglary_crew(w)
    prolific_shoplifters(w)
