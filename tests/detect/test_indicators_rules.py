"""Exploitation indicators: named rules that fire on the case study and not on the decoys."""

from __future__ import annotations

import json
import re

from tests.graph.scenes import CHILDREN, ORGANISERS

from toex.detect.indicators import definitions
from toex.detect.run import AnalysisSummary
from toex.store import Store

CRIMINALISING = re.compile(r"\b(offender|criminal|perpetrator|gang member|suspect in)\b", re.IGNORECASE)


def flags(store: Store, prefix: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for eid, code in store.fetchall("SELECT entity_id, indicator FROM person_indicators WHERE entity_id LIKE ?",
                                    [prefix + "%"]):
        out.setdefault(str(eid), set()).add(str(code))
    return out


def test_every_indicator_is_documented() -> None:
    for code, ind in definitions().items():
        assert ind.name and ind.description and ind.guidance and ind.weight > 0, code
        assert ind.threat in {"county-lines", "child-criminal-exploitation", "child-sexual-exploitation",
                              "modern-slavery", "human-trafficking", "money-laundering"}


def test_case_study_children_are_flagged(analysed: tuple[Store, AnalysisSummary]) -> None:
    store, _ = analysed
    got = flags(store, "P-0000C")
    assert set(got) == set(CHILDREN)
    for child in CHILDREN:
        assert {"CHILD_OFFENDING_FAR_FROM_HOME", "CHILD_OFFENDING_ACROSS_FORCES",
                "LIVES_WITH_OLDER_UNRELATED_ADULT"} <= got[child]
    assert "FOUND_AT_ADULT_ADDRESS" in got[CHILDREN[0]]
    assert "CO_OFFENDS_WITH_OLDER_ADULT" in got[CHILDREN[0]]


def test_evidence_has_provenance_and_plain_words(analysed: tuple[Store, AnalysisSummary]) -> None:
    store, _ = analysed
    for eid, code, evidence in store.fetchall("SELECT entity_id, indicator, evidence FROM person_indicators"):
        items = json.loads(evidence)
        assert items, (eid, code)
        for item in items:
            assert item["reason"] and item["source_id"] and item["ref"]
            if str(eid).startswith("P-0000C") or str(eid).startswith("P-00DH"):
                assert not CRIMINALISING.search(item["reason"]), item["reason"]


def test_decoys_do_not_fire_exploitation_rules(analysed: tuple[Store, AnalysisSummary]) -> None:
    store, _ = analysed
    care = flags(store, "P-00DH")
    assert care and all(codes == {"REPEAT_MISSING"} for codes in care.values())
    family = flags(store, "P-00DF")
    assert not any(codes & {"LIVES_WITH_OLDER_UNRELATED_ADULT", "CROWDED_UNRELATED_ADDRESS"} for codes in family.values())
    assert not flags(store, "P-00DE")          # big employer's staff
    assert not flags(store, "P-00DB")          # adult burglars across a border
    assert not flags(store, "P-00DS")          # adult prolific shoplifters


def test_organisers_carry_no_victim_indicator(analysed: tuple[Store, AnalysisSummary]) -> None:
    store, _ = analysed
    victim_codes = {c for c, d in definitions().items() if d.vulnerable}
    for o in ORGANISERS:
        assert not (flags(store, o).get(o, set()) & victim_codes)


def test_only_the_referred_person_carries_the_nrm_referral(analysed: tuple[Store, AnalysisSummary]) -> None:
    store, _ = analysed
    assert "NRM_REFERRAL" in flags(store, CHILDREN[1]).get(CHILDREN[1], set())
    assert "NRM_REFERRAL" not in flags(store, ORGANISERS[1]).get(ORGANISERS[1], set())  # named as the suspect
