"""Threat typing of a network (detector 7): explainable rules over its members'
indicators, offences and fronts.

- ``county-lines``: a deal-line phone or a cuckooed address among members, or
  drug supply offences by its exploited people;
- ``child-criminal-exploitation``: exploited children who appear in offences
  (suspect/offender records) or carry criminal-exploitation indicators;
- ``child-sexual-exploitation``: a member harmed in a sexual offence against a
  child or sexual exploitation offence, a child found at an adult's address or
  hotel;
- ``modern-slavery``: NRM referrals, crowded unrelated housing, shared
  accounts, housing by the employer, or modern slavery offences;
- ``human-trafficking``: trafficking offences (modern slavery 106, sexual
  trafficking 72), links to an earlier trafficking case, or exploited people
  moved across three or more forces;
- ``money-laundering``: a front company, a bank account shared between an
  organiser and exploited people, or proceeds-of-crime offences (38).
"""

from __future__ import annotations

from dataclasses import dataclass, field

THREATS = ("county-lines", "child-criminal-exploitation", "child-sexual-exploitation", "modern-slavery",
           "human-trafficking", "money-laundering")

CCE_INDICATORS = {"CHILD_OFFENDING_FAR_FROM_HOME", "CHILD_OFFENDING_ACROSS_FORCES", "CO_OFFENDS_WITH_OLDER_ADULT"}
CL_INDICATORS = {"DEAL_LINE_PHONE", "CUCKOOED_ADDRESS"}
CSE_INDICATORS = {"CHILD_SEXUAL_OFFENCE_VICTIM"}
MS_INDICATORS = {"NRM_REFERRAL", "CROWDED_UNRELATED_ADDRESS", "SHARED_ACCOUNT", "HOUSED_BY_EMPLOYER"}


@dataclass
class NetworkFacts:
    """What threat typing looks at."""

    exploited_indicators: dict[str, set[str]] = field(default_factory=dict)  # person -> indicator codes
    exploited_children: set[str] = field(default_factory=set)
    children_offending: int = 0          # exploited children in suspect/offender records
    drug_supply_by_exploited: int = 0
    sexual_offences_against_members: int = 0
    offence_codes: set[str] = field(default_factory=set)  # codes of offences involving any member
    exploited_forces: int = 0
    fronts: int = 0
    organiser_accounts: int = 0


def type_threats(f: NetworkFacts, trafficking_codes: tuple[str, ...] = ("106", "72")) -> dict[str, list[str]]:
    """Threat -> reasons (plain words); threats with no reason are absent."""
    codes = {c for s in f.exploited_indicators.values() for c in s}
    out: dict[str, list[str]] = {}

    def why(threat: str, reason: str) -> None:
        out.setdefault(threat, []).append(reason)

    for code in sorted(codes & CL_INDICATORS):
        why("county-lines", f"indicator {code} among exploited members")
    if f.drug_supply_by_exploited:
        why("county-lines", f"{f.drug_supply_by_exploited} drug supply records involving exploited members")
    if f.exploited_children and (f.children_offending or codes & CCE_INDICATORS):
        why("child-criminal-exploitation",
            f"{len(f.exploited_children)} children appear in offence records or carry criminal exploitation indicators")
    if codes & CSE_INDICATORS or f.sexual_offences_against_members:
        why("child-sexual-exploitation", "members harmed in sexual offences against children or sexual exploitation")
    for code in sorted(codes & MS_INDICATORS):
        why("modern-slavery", f"indicator {code} among exploited members")
    if "106" in f.offence_codes:
        why("modern-slavery", "modern slavery offence (106) involving members")
    for code in sorted(f.offence_codes & set(trafficking_codes)):
        why("human-trafficking", f"trafficking offence ({code}) involving members")
    if "PRIOR_CASE_LINK" in codes:
        why("human-trafficking", "exploited members linked to an earlier trafficking or exploitation case")
    if f.exploited_forces >= 3:
        why("human-trafficking", f"exploited members recorded in {f.exploited_forces} force areas")
    if f.fronts:
        why("money-laundering", f"{f.fronts} front compan{'y' if f.fronts == 1 else 'ies'}")
    if f.organiser_accounts:
        why("money-laundering", "bank accounts shared between organisers and exploited people")
    if "38" in f.offence_codes:
        why("money-laundering", "proceeds of crime offence (38) involving members")
    return {t: out[t] for t in THREATS if t in out}
