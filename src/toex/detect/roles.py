"""Roles inside a network (detector 5), by direction and age, never by centrality.

An *organiser* is an adult who brokers between exploited people and the
resources they are made to use. Their control score adds up evidence that
points *from* them *to* vulnerable people (see :data:`CONTROL`): living with
unrelated children or victims much younger than them, being the suspect in an
offence against them, directing or controlling a company that employs them or
sits at their address, keeping the car or the phone they use, an earlier
trafficking case. Appearing hands-on in the children's offences *lowers* the
score: organisers are upstream and often have little recorded offending.

A child (under 18 at any event in the network or today) is never an
organiser. Children and NRM-referred people are ``exploited`` with the
safeguarding route in their evidence. Generic centrality (betweenness) is only
a tie-breaker among adults and is never used to rank a child or a victim.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Control evidence: edge type (from the adult's side) -> (weight, words).
CONTROL: dict[str, tuple[float, str]] = {
    "co-residence": (1.0, "lives with {v}, who is {gap} years younger and unrelated"),
    "offended-against": (2.0, "is the suspect in an offence against {v}"),
    "found-at-home": (1.0, "{v} was found at their address"),
    "shared-phone": (1.0, "shares a phone with {v}"),
    "shared-account": (1.5, "holds a bank account with {v} (money)"),
    "shared-vehicle": (0.5, "shares a vehicle with {v}"),
    "intel-co-subject": (0.5, "appears with {v} in intelligence"),
    "associate-of": (0.5, "is recorded as an associate of {v}"),
    "partner-of": (0.5, "is recorded as a partner of {v}"),
    "employs": (1.5, "directs or controls {o}, which employs {v}"),
    "houses": (1.0, "directs or controls {o}, registered or trading at {v}'s address"),
}
#: Further control evidence without a particular victim.
DIRECTOR_WEIGHT = 1.0
PRIOR_CASE_WEIGHT = 1.0
KEEPER_WEIGHT = 0.5
HANDS_ON_PENALTY = 0.5
HANDS_ON_EVENTS = 3

SAFEGUARDING_CHILD = ("Potential victim (child): safeguarding first. Refer to children's social care / MASH, consider "
                      "an NRM referral (no consent needed for under-18s) and a strategy meeting; return home interview "
                      "after any missing episode.")
SAFEGUARDING_NRM = ("Potential victim (NRM referral): safeguarding first. Check NRM decision and support, consider the "
                    "s.45 Modern Slavery Act defence before any enforcement action, refer to adult safeguarding.")
SAFEGUARDING_ADULT = ("Potential victim: safeguarding first. Consider an NRM referral (duty to notify, MSA 2015 s.52) "
                      "and an adult safeguarding referral.")


@dataclass
class Person:
    """What roles need to know about one person (no protected characteristics)."""

    entity_id: str
    age_today: int | None
    child: bool                     # under 18 at an event in the data, or today
    nrm: bool
    vulnerable_weight: float        # sum of indicator weights
    indicators: list[str] = field(default_factory=list)
    family_id: str = ""
    surname_key: str | None = None
    hands_on: int = 0               # offences where they appear with a child as co-suspect
    prior_case: list[tuple[str, str]] = field(default_factory=list)  # (source_id, ref) of an earlier case as suspect
    victim_signs: bool = False      # has an indicator marked vulnerable in indicators.yaml


@dataclass
class Evidence:
    """One reason with its provenance."""

    reason: str
    source_id: str | None
    ref: str | None

    def as_dict(self) -> dict[str, str | None]:
        return {"reason": self.reason, "source_id": self.source_id, "ref": self.ref}


def related(a: Person, b: Person) -> bool:
    """Known family: same family component (family/parent/partner links) or same surname."""
    return a.family_id == b.family_id or (a.surname_key is not None and a.surname_key == b.surname_key)


def is_vulnerable(p: Person, seed_min: float) -> bool:
    """A potential victim: a child with any indicator, anyone NRM-referred, or indicators adding up to ``seed_min``."""
    return p.nrm or (p.child and p.vulnerable_weight > 0) or p.victim_signs or p.vulnerable_weight >= seed_min


def safeguarding_route(p: Person) -> str:
    if p.child:
        return SAFEGUARDING_CHILD
    if p.nrm:
        return SAFEGUARDING_NRM
    return SAFEGUARDING_ADULT


@dataclass
class ControlScore:
    """An adult's control over vulnerable people, with its evidence."""

    score: float = 0.0
    kinds: set[str] = field(default_factory=set)
    controlled: set[str] = field(default_factory=set)
    #: the vulnerable people controlled through evidence specific to exploitation (:data:`EXPLOITATION_KINDS`)
    specific: set[str] = field(default_factory=set)
    evidence: list[Evidence] = field(default_factory=list)

    def add(self, kind: str, weight: float, reason: str, source_id: str | None, ref: str | None,
            victim: str | None = None) -> None:
        self.score += weight
        self.kinds.add(kind)
        if victim:
            self.controlled.add(victim)
            if kind in EXPLOITATION_KINDS:
                self.specific.add(victim)
        self.evidence.append(Evidence(reason, source_id, ref))

    def top_evidence(self, limit: int = 25) -> list[Evidence]:
        """The evidence in a stable order (whatever order the edges came in), at most ``limit`` items."""
        unique = {(e.reason, e.source_id or "", e.ref or ""): e for e in self.evidence}
        return [unique[key] for key in sorted(unique)][:limit]


def can_organise(p: Person, gap_to: Person | None, age_gap: int) -> bool:
    """Only adults, never children, NRM-referred people or people with victim indicators; older than the victim by ``age_gap`` when both ages are known."""
    if p.child or p.nrm or p.victim_signs or p.age_today is None or p.age_today < 18:
        return False
    if gap_to is not None and gap_to.age_today is not None:
        return p.age_today - gap_to.age_today >= age_gap
    return True


#: Control kinds that tie an adult to a resource (address, phone, vehicle, account, company): an organiser
#: brokers between exploited people and resources, so at least one of these is required.
RESOURCE_KINDS = frozenset({"co-residence", "found-at-home", "shared-phone", "shared-account", "shared-vehicle",
                            "employs", "houses", "director", "resource"})


#: Control kinds specific to exploitation (not ordinary household life): an offence of exploitation against
#: them, employing them, sharing their phone or account, a car or phone in their records, an earlier case.
#: Living with a child and the child being found at home also happen in step-families, so they never suffice.
EXPLOITATION_KINDS = frozenset({"offended-against", "employs", "shared-phone", "shared-account", "resource",
                                "prior-case"})


def is_organiser(c: ControlScore, min_control: float, min_controlled: int = 2, min_specific: int = 2) -> bool:
    """Enough control, of two or more kinds (one over a resource, one specific to exploitation), over
    ``min_controlled`` vulnerable people, ``min_specific`` of them through evidence specific to exploitation.

    The last condition is what separates an exploiter from a household or a victim's abuser: one offence
    against one child plus another child found at the address is a safeguarding matter for each child, not
    evidence that the adult runs a network (on synthetic data every planted organiser controls two or more
    people this way, and every background "network" that used to outrank a planted one controlled one).
    """
    return (c.score >= min_control and len(c.kinds) >= 2 and bool(c.kinds & RESOURCE_KINDS)
            and bool(c.kinds & EXPLOITATION_KINDS) and len(c.controlled) >= min_controlled
            and len(c.specific) >= min_specific)
