"""4P action generation per threat type, and the tasking lifecycle with its audit."""

from __future__ import annotations

import json

import pytest

from toex.assess import run_assess
from toex.store import Store
from toex.task import (
    TaskError,
    approve,
    close,
    done,
    generate_actions,
    generate_tasks,
    start,
    transition,
)
from toex.task.context import NetworkContext, Offence, Person, Thing
from toex.task.owner import owner_for


def _ctx(threats: tuple[str, ...], people: list[Person], things: list[Thing] | None = None,
         forces: tuple[str, ...] = ("suffolk",)) -> NetworkContext:
    return NetworkContext("N-0009", threats, forces, (), owner_for(forces), 50.0, people, things or [])


CHILD = Person("P-1", "Tia Runner", "exploited", 15, True, False, "suffolk", "Ipswich (IP1)",
               [Offence("46", "Shoplifting", 3, ("dorset",), ("s:r1",), True)])
ADULT_VICTIM = Person("P-2", "Andrei Worker", "exploited", 30, False, False, "norfolk", "Norwich (NR1)")
ORGANISER = Person("P-3", "Marcus Boss", "organiser", 35, False, False, "metropolitan", None,
                   [Offence("92A", "Trafficking in controlled drugs", 2, ("metropolitan",), ("s:r2",), False)])
FRONT = Thing("O-1", "organisation", "front", "Glam Nails Ltd", "company 08123456 SIC 96020")
PHONE = Thing("T-1", "phone", "facilitator", "+447700900001", "phone")


def _by(actions: list, strand: str, kind: str | None = None) -> list:
    return [a for a in actions if a.strand == strand and (kind is None or a.kind == kind)]


def test_county_lines_plan_names_people_offences_and_the_line() -> None:
    actions = generate_actions(_ctx(("county-lines", "child-criminal-exploitation"), [CHILD, ORGANISER], [PHONE]))
    assert {a.strand for a in actions} == {"pursue", "prevent", "protect", "prepare"}
    pursue = _by(actions, "pursue", "investigate-organiser")
    assert len(pursue) == 1 and "Marcus Boss (P-3)" in pursue[0].action and "92A" in pursue[0].action
    assert not any("P-1" in a.action for a in _by(actions, "pursue"))  # exploited children are never targets
    referral = _by(actions, "protect", "safeguarding-referral")[0]
    assert referral.owner_unit == "suffolk" and "children's services for Ipswich (IP1)" in referral.action
    assert _by(actions, "protect", "nrm-prompt") and "does not need to consent" in _by(actions, "protect", "nrm-prompt")[0].action
    s45 = _by(actions, "protect", "s45-note")[0]
    assert "s.45" in s45.action and "Shoplifting (46)" in s45.action
    assert _by(actions, "prevent", "ddtro") and _by(actions, "prevent", "diversion")
    assert _by(actions, "pursue", "deal-line")


def test_modern_slavery_plan_prompts_nrm_with_consent_and_disrupts_the_front() -> None:
    actions = generate_actions(_ctx(("modern-slavery",), [ADULT_VICTIM, ORGANISER], [FRONT], forces=("norfolk",)))
    nrm = _by(actions, "protect", "nrm-prompt")[0]
    assert "Andrei Worker (P-2)" in nrm.action and "s.52 duty to notify" in nrm.action
    assert not _by(actions, "protect", "s45-note")  # adults without offences: no s.45 note
    kinds = {a.kind for a in _by(actions, "prevent")}
    assert {"companies-register", "hmrc", "licensing"} <= kinds
    assert "GLAA" in _by(actions, "prevent", "hmrc")[0].action
    assert "nail bar" in _by(actions, "prevent", "licensing")[0].action


def test_money_laundering_plan_has_financial_investigation_and_gaps() -> None:
    actions = generate_actions(_ctx(("money-laundering",), [ORGANISER], [FRONT]))
    assert "Proceeds of Crime Act" in _by(actions, "pursue", "financial-investigation")[0].action
    assert "money flows" in _by(actions, "prepare", "intelligence-gaps")[0].action


def test_cse_plan_safeguards_the_child() -> None:
    actions = generate_actions(_ctx(("child-sexual-exploitation",), [CHILD, ORGANISER]))
    assert _by(actions, "protect", "safeguarding-referral") and _by(actions, "protect", "nrm-prompt")


def test_unknown_organiser_and_briefings_per_force() -> None:
    actions = generate_actions(_ctx(("other",), [CHILD], forces=("kent", "essex")))
    assert _by(actions, "pursue", "identify-organiser")
    assert {a.owner_unit for a in _by(actions, "prepare", "briefing")} == {"kent", "essex"}


def test_tasks_are_proposed_once_and_never_issued_without_a_named_approver(picture: Store) -> None:
    run_assess(picture, actor="Jane Analyst")
    first = generate_tasks(picture, actor="Jane Analyst")
    again = generate_tasks(picture, actor="Jane Analyst")
    assert first.proposed > 0 and again.proposed == 0 and again.existing == first.proposed
    assert {r[0] for r in picture.fetchall("SELECT status FROM tasks")} == {"proposed"}
    task_id = picture.scalar("SELECT task_id FROM tasks ORDER BY task_id LIMIT 1")
    for nobody in ("", "cli", "system"):
        with pytest.raises(TaskError, match="named|name"):
            approve(picture, task_id, approver=nobody)
    assert picture.scalar("SELECT status FROM tasks WHERE task_id = ?", [task_id]) == "proposed"


def test_lifecycle_transitions_history_and_audit(picture: Store) -> None:
    run_assess(picture, actor="Jane Analyst")
    generate_tasks(picture, actor="Jane Analyst")
    task_id = picture.scalar("SELECT task_id FROM tasks WHERE strand = 'protect' ORDER BY task_id LIMIT 1")
    with pytest.raises(TaskError, match="cannot move to in-progress"):
        start(picture, task_id, actor="DI Sam Jones")
    approve(picture, task_id, approver="DI Sam Jones")
    start(picture, task_id, actor="DS Ann Lee", assignee="DS Ann Lee")
    with pytest.raises(TaskError, match="needs an outcome"):
        close(picture, task_id, actor="DS Ann Lee", outcome="")
    done(picture, task_id, actor="DS Ann Lee", note="referral made")
    task = close(picture, task_id, actor="DI Sam Jones", outcome="child-safeguarded", note="strategy meeting held")
    assert task["status"] == "closed" and task["approved_by"] == "DI Sam Jones" and task["outcome"] == "child-safeguarded"
    with pytest.raises(TaskError, match="closed"):
        transition(picture, task_id, "approved", actor="DI Sam Jones")
    history = picture.fetchall("SELECT from_status, to_status, actor, audit_seq FROM task_history WHERE task_id = ? ORDER BY seq", [task_id])
    assert [(f, t) for f, t, _a, _s in history] == [
        (None, "proposed"), ("proposed", "approved"), ("approved", "in-progress"), ("in-progress", "done"), ("done", "closed")]
    for _f, to_status, actor, seq in history:
        row = picture.execute("SELECT actor, action, detail FROM audit WHERE seq = ?", [seq]).fetchone()
        assert row[0] == actor and row[1] == "alteration"
        if to_status != "proposed":
            assert json.loads(row[2])["to"] == to_status


def test_a_proposed_task_can_be_closed_as_not_approved(picture: Store) -> None:
    run_assess(picture, actor="Jane Analyst")
    generate_tasks(picture, actor="Jane Analyst")
    task_id = picture.scalar("SELECT task_id FROM tasks ORDER BY task_id LIMIT 1")
    assert close(picture, task_id, actor="DI Sam Jones", outcome="not-approved")["approved_by"] is None
