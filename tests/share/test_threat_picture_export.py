"""The threat picture export matches shared/spec/threat-picture-export.md."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from toex.assess import run_assess
from toex.share import write_export
from toex.store import Store
from toex.task import generate_tasks

THREATS = {"county-lines", "child-criminal-exploitation", "child-sexual-exploitation", "modern-slavery",
           "human-trafficking", "money-laundering", "other"}
ROLES = {"organiser", "exploited", "associate", "facilitator", "front"}


def _export(picture: Store, out: Path) -> Path:
    run_assess(picture, actor="Jane Analyst")
    generate_tasks(picture, actor="Jane Analyst")
    write_export(picture, out, actor="Jane Analyst", recipients=["ersou"])
    return out


def test_four_files_follow_the_contract(picture: Store, tmp_path: Path) -> None:
    out = _export(picture, tmp_path / "out")
    with (out / "entities.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["source", "ref", "kind", "entity_id"]
    assert {r["kind"] for r in rows} == {"person", "location", "object", "organisation"}
    assert len(rows) == picture.scalar("SELECT count(*) FROM entity_records")

    networks = json.loads((out / "networks.json").read_text(encoding="utf-8"))
    assert [n["rank"] for n in networks] == [1, 2, 3]
    assert [n["score"] for n in networks] == sorted((n["score"] for n in networks), reverse=True)
    for n in networks:
        assert set(n) >= {"id", "rank", "score", "threats", "forces", "owner", "members", "summary",
                          "score_breakdown", "actions"}
        assert set(n["threats"]) <= THREATS
        assert n["owner"]["level"] in {"local", "regional", "national"}
        assert {m["role"] for m in n["members"]} <= ROLES
        assert {"harm", "vulnerability", "spread", "confidence"} <= set(n["score_breakdown"])
        assert all(0.0 <= v <= 1.0 for v in n["score_breakdown"].values())
        assert {a["strand"] for a in n["actions"]} >= {"pursue", "prevent", "prepare"}
        assert n["summary"]
    top = networks[0]
    assert top["id"] == "N-0001"
    assert top["owner"] == {"level": "national", "unit": "nca"}
    assert {a["strand"] for a in top["actions"]} == {"pursue", "prevent", "protect", "prepare"}
    by_id = {n["id"]: n for n in networks}
    assert by_id["N-0002"]["owner"] == {"level": "regional", "unit": "ersou"}
    assert by_id["N-0003"]["owner"] == {"level": "local", "unit": "norfolk"}

    with (out / "safeguarding.csv").open(encoding="utf-8") as f:
        safe = list(csv.DictReader(f))
    assert list(safe[0]) == ["rank", "entity_id", "score", "age", "network_id", "indicators"]
    assert [int(r["rank"]) for r in safe] == list(range(1, len(safe) + 1))
    # ranked by strength of evidence of exploitation (docs/assessment.md): the network's exploited
    # children first, then its exploited adults, then a child flagged outside any network
    ranked = [r["entity_id"] for r in safe]
    assert set(ranked[:2]) == {"P-000002", "P-000003"}
    assert set(ranked[2:4]) == {"P-000020", "P-000021"}
    assert ranked.index("P-000030") > 3
    assert all(0 <= float(r["score"]) <= 100 for r in safe)
    assert next(r for r in safe if r["entity_id"] == "P-000002")["indicators"] == "CHILD_OFFENDING_ACROSS_FORCES;REPEAT_MISSING"

    alerts = json.loads((out / "alerts.json").read_text(encoding="utf-8"))
    assert [a["score"] for a in alerts] == sorted((a["score"] for a in alerts), reverse=True)
    trend = next(a for a in alerts if a["kind"] == "emerging-trend")
    assert {"force", "group", "period", "observed", "expected"} <= set(trend)
    assert trend["offence_code"] == "46" and trend["group"] == "age:10-17"
    travel = next(a for a in alerts if a["kind"] == "travelling-group")
    assert travel["members"] == ["P-000002", "P-000003"] and set(travel["period"]) == {"from", "to"}


def test_export_is_audited_as_disclosure_with_recipients(picture: Store, tmp_path: Path) -> None:
    _export(picture, tmp_path / "out")
    row = picture.execute("SELECT actor, detail FROM audit WHERE action = 'disclosure' ORDER BY seq DESC").fetchone()
    assert row is not None and row[0] == "Jane Analyst"
    assert json.loads(row[1])["recipients"] == ["ersou"]


def test_csv_cells_cannot_run_as_formulas(picture: Store, tmp_path: Path) -> None:
    picture.execute("UPDATE entity_records SET ref = '=HYPERLINK(\"http://evil\")' WHERE entity_id = 'P-000030'")
    out = _export(picture, tmp_path / "out")
    text = (out / "entities.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text
    for line in text.splitlines():
        for cell in next(csv.reader([line])):
            assert not cell.startswith(("=", "+", "@")), cell
