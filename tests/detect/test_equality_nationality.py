"""Equality Act 2010: nationality is never an input. Changing every person's nationality changes nothing."""

from __future__ import annotations

import ast
import inspect
import pathlib

from tests.graph.scenes import all_scenes
from tests.graph.world import World, new_store

from toex.detect.run import analyse
from toex.store import Store

TABLES = {
    "person_indicators": "entity_id, indicator, weight, CAST(evidence AS VARCHAR)",
    "trend_alerts": "alert_id, force, offence_code, category, grp, observed, expected, p_value, summary",
    "travelling_groups": "group_id, members, forces, events, mobility_score, summary",
    "networks": "network_id, threats, forces, regions, summary",
    "network_members": "network_id, entity_id, kind, role, CAST(evidence AS VARCHAR), age",
}


def outputs(store: Store) -> dict[str, list[tuple[object, ...]]]:
    return {t: store.fetchall(f"SELECT {cols} FROM {t} ORDER BY ALL") for t, cols in TABLES.items()}


def test_changing_nationality_changes_no_flag_score_or_rank() -> None:
    a = new_store()
    all_scenes(World(a))
    b = new_store()
    all_scenes(World(b))
    b.execute("UPDATE persons SET nationality = CASE WHEN hash(ref) % 2 = 0 THEN 'ALB' ELSE 'VNM' END")
    assert a.fetchall("SELECT DISTINCT nationality FROM persons") != b.fetchall("SELECT DISTINCT nationality FROM persons")
    analyse(a)
    analyse(b)
    out_a, out_b = outputs(a), outputs(b)
    assert out_a["person_indicators"] and out_a["networks"]
    assert out_a == out_b


def _code_strings(path: pathlib.Path) -> list[str]:
    """Every identifier and string literal of a module except docstrings (comments are not in the AST)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            out.append(node.value)
        elif isinstance(node, ast.Name):
            out.append(node.id)
        elif isinstance(node, ast.Attribute):
            out.append(node.attr)
    return out


def test_no_detector_reads_nationality_or_ethnicity() -> None:
    import toex.detect
    import toex.graph

    for package in (toex.detect, toex.graph):
        folder = pathlib.Path(inspect.getfile(package)).parent
        for path in folder.glob("*.py"):
            for text in _code_strings(path):
                assert "nationality" not in text.lower() and "ethnic" not in text.lower(), (path, text[:80])
