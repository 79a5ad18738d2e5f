"""4P action plans from the evidence: pursue, protect, prevent, prepare.

Pure functions of a :class:`~toex.task.context.NetworkContext`. Every action
names the people, companies, offences and forces it concerns. Safeguarding
first: exploited people and children are never the subject of a pursue
action; each of them gets a protect action (referral to the force and local
authority where they live), an NRM first-responder prompt where the threat is
modern slavery or exploitation, and a s.45 Modern Slavery Act defence note
when a child is recorded for offences.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from toex import reference
from toex.task.context import NetworkContext, Person, tasking_rules

STRANDS = ("pursue", "prevent", "protect", "prepare")


@dataclass(frozen=True)
class Action:
    """One proposed action."""

    network_id: str
    strand: str
    kind: str
    action: str
    owner_level: str
    owner_unit: str
    subject: str | None = None
    evidence: tuple[str, ...] = field(default_factory=tuple)

    @property
    def key(self) -> str:
        """Stable identity of the finding behind the action (not of its wording)."""
        raw = f"{self.network_id}|{self.strand}|{self.kind}|{self.subject or ''}|{self.owner_unit}"
        return hashlib.sha256(raw.encode()).hexdigest()[:16]

    def due_days(self) -> int:
        """Days until due, from tasking.yaml."""
        due = tasking_rules().get("due_days", {})
        kinds: dict[str, int] = due.get("kinds", {})
        strands: dict[str, int] = due.get("strands", {})
        return int(kinds.get(self.kind, strands.get(self.strand, 28)))


def _force_name(force_id: str | None) -> str:
    if not force_id:
        return "the home force (home address not known: establish it)"
    try:
        return reference.force(force_id).name
    except KeyError:
        return force_id


def _offences_text(p: Person) -> str:
    if not p.offences:
        return "no offences recorded"
    parts = [f"{o.count} x {o.description} ({o.code}) in {', '.join(o.forces) or 'unknown force'}" for o in p.offences]
    return "; ".join(parts)


def _refs(p: Person) -> tuple[str, ...]:
    refs = [r for o in p.offences for r in o.refs] + p.evidence
    return tuple(dict.fromkeys(refs))[:8]


def generate_actions(ctx: NetworkContext) -> list[Action]:
    """The 4P plan for one network, strands in order pursue, prevent, protect, prepare."""
    return [*pursue(ctx), *prevent(ctx), *protect(ctx), *prepare(ctx)]


def _act(ctx: NetworkContext, strand: str, kind: str, text: str, *, unit: str | None = None, level: str | None = None,
         subject: str | None = None, evidence: tuple[str, ...] = ()) -> Action:
    return Action(ctx.network_id, strand, kind, text, level or ctx.owner.level, unit or ctx.owner.unit, subject, evidence)


def _threats(ctx: NetworkContext) -> set[str]:
    return set(ctx.threats)


def pursue(ctx: NetworkContext) -> list[Action]:
    """Organisers (with offences and evidence), deal lines, money."""
    out: list[Action] = []
    targets = [p for p in ctx.people_in("organiser") if not p.is_child]
    for p in targets:
        out.append(_act(ctx, "pursue", "investigate-organiser",
                        f"Investigate {p.label} as a suspected organiser of network {ctx.network_id} "
                        f"({', '.join(ctx.threats) or 'exploitation'}): {_offences_text(p)}. "
                        f"Evidence: {', '.join(_refs(p)) or 'network links only'}.",
                        subject=p.entity_id, evidence=_refs(p)))
    if not targets:
        out.append(_act(ctx, "pursue", "identify-organiser",
                        f"Identify who directs network {ctx.network_id}: no organiser is identified yet among "
                        f"{len(ctx.people)} people; develop the associates and facilitators as lines of enquiry."))
    threats = _threats(ctx)
    for phone in ctx.things_in("phone"):
        if "county-lines" in threats or phone.role == "facilitator":
            out.append(_act(ctx, "pursue", "deal-line",
                            f"Seek communications data and attribution for phone {phone.label} ({phone.entity_id}) "
                            f"used by network {ctx.network_id}.", subject=phone.entity_id))
    if "money-laundering" in threats or ctx.things_in("organisation", "front") or ctx.things_in("account"):
        names = ", ".join(f"{t.label} ({t.entity_id})" for t in [*ctx.things_in("organisation", "front"), *ctx.things_in("account")])
        out.append(_act(ctx, "pursue", "financial-investigation",
                        f"Financial investigation under the Proceeds of Crime Act 2002 into network {ctx.network_id}"
                        f"{': ' + names if names else ''}; consider account freezing and cash seizure."))
    return out


def prevent(ctx: NetworkContext) -> list[Action]:
    """Disruption of fronts (companies register, HMRC, licensing), deal-line orders, diversion."""
    out: list[Action] = []
    licensing: dict[str, str] = {str(k): str(v) for k, v in (tasking_rules().get("licensing") or {}).items()}
    threats = _threats(ctx)
    for org in ctx.things_in("organisation", "front"):
        out.append(_act(ctx, "prevent", "companies-register",
                        f"Refer {org.label} ({org.entity_id}; {org.detail or 'no company number'}) to Companies House "
                        "for checks on its registered office, directors and persons with significant control.",
                        subject=org.entity_id))
        out.append(_act(ctx, "prevent", "hmrc",
                        f"Refer {org.label} ({org.entity_id}) to HMRC: tax, VAT and National Minimum Wage compliance"
                        + ("; and to the GLAA for labour exploitation" if threats & {"modern-slavery", "human-trafficking"} else "")
                        + ".", subject=org.entity_id))
        sic = org.detail.split("SIC ")[-1].strip() if "SIC " in org.detail else ""
        route = licensing.get(sic, "local authority licensing, where the business needs a licence")
        out.append(_act(ctx, "prevent", "licensing", f"Licensing review of {org.label} ({org.entity_id}): {route}.",
                        subject=org.entity_id))
    if "county-lines" in threats:
        for phone in ctx.things_in("phone"):
            out.append(_act(ctx, "prevent", "ddtro",
                            f"Apply for a Drug Dealing Telecommunications Restriction Order to close the line {phone.label} "
                            f"({phone.entity_id}).", subject=phone.entity_id))
    young = [p for p in ctx.people if p.is_child or p.role == "exploited"]
    if young:
        out.append(_act(ctx, "prevent", "diversion",
                        "Diversion and early intervention (youth offending service, mentoring, education and "
                        f"contextual safeguarding) for {', '.join(p.label for p in young)}; treat them as potential "
                        "victims, not targets."))
    if not out:
        out.append(_act(ctx, "prevent", "partnership",
                        f"Share the network {ctx.network_id} picture with partners (local authority, housing, "
                        "licensing) to identify places and businesses it uses."))
    return out


def protect(ctx: NetworkContext) -> list[Action]:
    """A safeguarding referral per exploited person; NRM prompts; s.45 notes; cuckooed addresses."""
    out: list[Action] = []
    nrm_threats = set(tasking_rules().get("nrm_threats") or ())
    threats = _threats(ctx)
    for p in ctx.people:
        if p.role != "exploited" and not (p.is_child and p.role != "organiser"):
            continue
        services = "children's services" if p.is_child else "adult social care"
        area = p.home_area or "their home address (not known: establish it)"
        who = f"{'child' if p.is_child else 'adult'}{f' aged {p.age}' if p.age is not None else ''}"
        unit = p.home_force or ctx.owner.unit
        level = "local" if p.home_force else ctx.owner.level
        out.append(_act(ctx, "protect", "safeguarding-referral",
                        f"Safeguarding referral for {p.label}, {who}, a potential victim of exploitation in network "
                        f"{ctx.network_id}: to {_force_name(p.home_force)} and local authority {services} for {area}.",
                        unit=unit, level=level, subject=p.entity_id, evidence=_refs(p)))
        if threats & nrm_threats or p.nrm_referred:
            if p.nrm_referred:
                text = (f"NRM: {p.label} is already referred to the National Referral Mechanism; support the referral "
                        "and share this network's evidence with the competent authority.")
            else:
                consent = ("a child does not need to consent" if p.is_child
                           else "with the adult's consent, otherwise notify the Home Office under the s.52 duty to notify (MS1)")
                text = (f"NRM first-responder prompt: {p.label} is a potential victim of modern slavery "
                        f"({', '.join(sorted(threats & nrm_threats)) or 'exploitation'}); a first responder should consider "
                        f"a National Referral Mechanism referral ({consent}).")
            out.append(_act(ctx, "protect", "nrm-prompt", text, unit=unit, level=level, subject=p.entity_id))
        child_offences = [o for o in p.offences if o.as_child] if p.is_child else []
        if child_offences:
            listed = "; ".join(f"{o.description} ({o.code}) x{o.count}" for o in child_offences)
            out.append(_act(ctx, "protect", "s45-note",
                            f"s.45 Modern Slavery Act 2015 defence note for {p.label}: recorded as a child for {listed}. "
                            "The acts may be a direct consequence of exploitation; make the CPS and the defence aware "
                            "(Schedule 4 offences excepted).",
                            unit=unit, level=level, subject=p.entity_id, evidence=tuple(r for o in child_offences for r in o.refs)))
    for place in ctx.things_in("location", "facilitator"):
        if "county-lines" in threats or place.detail in ("residential", "hmo"):
            out.append(_act(ctx, "protect", "cuckooing-visit",
                            f"Safeguarding visit to the occupant of {place.label} ({place.entity_id}), an address the "
                            "network uses: check for cuckooing and vulnerable adults.", subject=place.entity_id))
    return out


def prepare(ctx: NetworkContext) -> list[Action]:
    """Intelligence gaps to fill and briefings to each force."""
    out: list[Action] = []
    gaps: list[str] = []
    no_home = [p.label for p in ctx.people if p.role == "exploited" and not p.home_force]
    if no_home:
        gaps.append(f"home address of {', '.join(no_home)}")
    if not ctx.people_in("organiser"):
        gaps.append("who organises the network")
    if ctx.graded_items == 0:
        gaps.append("no graded intelligence supports the network (only recorded events)")
    elif ctx.low_grade_items:
        gaps.append(f"{ctx.low_grade_items} of {ctx.graded_items} intelligence item(s) are low-graded (source 3 or C-E): corroborate them")
    if "money-laundering" in ctx.threats and not ctx.things_in("account"):
        gaps.append("the money flows (no bank accounts identified)")
    if gaps:
        out.append(_act(ctx, "prepare", "intelligence-gaps",
                        f"Fill intelligence gaps on network {ctx.network_id}: " + "; ".join(gaps) + "."))
    for force in ctx.forces or (ctx.owner.unit,):
        out.append(_act(ctx, "prepare", "briefing",
                        f"Brief {_force_name(force)} on network {ctx.network_id} "
                        f"({', '.join(ctx.threats) or 'exploitation'}): its people, places and the 4P plan.",
                        unit=force, level="local" if force in reference.force_ids() else ctx.owner.level, subject=force))
    return out
