"""Front companies (detector 6).

An organisation in a network is a *front* when an organiser is among its
officers or controllers (or another adult network member is, and it employs
exploited people) and at least one more of these holds:

- it is registered or trades at a network address (where members live or stay);
- its SIC code is a cash-intensive sector (``networks.cash_sic_codes``);
- it employs people the network exploits.

Otherwise an organisation an organiser directs is listed as a facilitator.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from toex.detect.roles import Evidence


@dataclass
class OrgFacts:
    """What is known about one organisation around a network."""

    entity_id: str
    name: str
    sic_code: str | None
    officers: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)  # person -> provenance
    locations: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)  # registered/trading at
    employees: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)


def assess_front(org: OrgFacts, organisers: set[str], network_addresses: set[str], exploited: set[str],
                 cash_sic: tuple[str, ...], members: frozenset[str] = frozenset()) -> tuple[bool, list[Evidence]]:
    """(is a front, evidence)."""
    ev: list[Evidence] = []
    officers = sorted(p for p in org.officers if p in organisers)
    for p in officers:
        src, ref = org.officers[p]
        ev.append(Evidence(f"{org.name}: an organiser ({p}) is an officer or controller", src, ref))
    staff = sorted(p for p in org.employees if p in exploited)
    helpers = sorted(p for p in org.officers if p in members and p not in exploited)
    if not officers and staff and helpers:
        src, ref = org.officers[helpers[0]]
        ev.append(Evidence(f"{org.name}: a network member ({helpers[0]}) is an officer and it employs people "
                           "the network appears to exploit", src, ref))
        officers = helpers
    if not officers:
        return False, ev
    criteria = 0
    at = sorted(loc for loc in org.locations if loc in network_addresses)
    if at:
        src, ref = org.locations[at[0]]
        ev.append(Evidence(f"{org.name} is registered or trades at a network address ({at[0]})", src, ref))
        criteria += 1
    if org.sic_code and org.sic_code in cash_sic:
        ev.append(Evidence(f"{org.name} is in a cash-intensive sector (SIC {org.sic_code})", None, None))
        criteria += 1
    if staff:
        src, ref = org.employees[staff[0]]
        ev.append(Evidence(f"{org.name} employs {len(staff)} person(s) the network appears to exploit", src, ref))
        criteria += 1
    return criteria >= 1, ev
