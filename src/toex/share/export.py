"""The threat picture export (shared/spec/threat-picture-export.md), exactly as specified.

``write_export(store, out_dir)`` writes ``entities.csv``, ``networks.json``,
``safeguarding.csv`` and ``alerts.json`` from the current store and audits
the disclosure. CSV cells that a spreadsheet would run as a formula
(``= + - @``, tab, carriage return) are prefixed with ``'``.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toex.engine import Engine, as_engine, record_audit
from toex.errors import StoreError
from toex.store import Store

SCORE_DIMENSIONS = ("harm", "vulnerability", "spread", "confidence", "trajectory", "capacity", "capability")
STRAND_ORDER = ("pursue", "prevent", "protect", "prepare")
#: Closed tasks with these outcomes are not part of the plan any more.
_DROPPED_OUTCOMES = ("not-approved", "duplicate")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class ExportSummary:
    """Files written and their row counts."""

    out_dir: Path
    files: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def safe_cell(value: Any) -> Any:
    """Neutralise a CSV cell a spreadsheet would evaluate as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write a CSV with formula-injection protection; return the number of data rows."""
    n = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if v is None else safe_cell(v) for v in row])
            n += 1
    return n


def _safe_sql(col: str) -> str:
    return f"CASE WHEN left({col}, 1) IN ('=', '+', '-', '@', chr(9), chr(13)) THEN '''' || {col} ELSE {col} END"


def write_entities(engine: Engine, path: Path, summary: ExportSummary) -> int:
    """entities.csv: every ingested record with its resolved entity (bulk, in SQL)."""
    if engine.table_exists("entity_records"):
        select = (f"SELECT {_safe_sql('source_id')} AS source, {_safe_sql('ref')} AS ref, kind, "
                  f"{_safe_sql('entity_id')} AS entity_id FROM entity_records ORDER BY kind, source_id, ref")
    else:
        summary.warnings.append("entity_records missing (resolve not run): each record is its own entity")
        parts = [f"SELECT source_id, ref, '{k}' AS kind, '{p}:' || source_id || ':' || ref AS entity_id FROM {t}"
                 for k, p, t in (("person", "P", "persons"), ("location", "L", "locations"),
                                 ("object", "T", "objects"), ("organisation", "O", "organisations"))]
        select = (f"SELECT {_safe_sql('source_id')} AS source, {_safe_sql('ref')} AS ref, kind, "
                  f"{_safe_sql('entity_id')} AS entity_id FROM ({' UNION ALL '.join(parts)}) records "
                  "ORDER BY kind, source_id, ref")
    return _write_query_csv(engine, select, path)


def _write_query_csv(engine: Engine, select: str, path: Path) -> int:
    """Write a query's rows as CSV (quoted only where needed, NULL as empty); return the number of rows."""
    table = engine.fetch_arrow(select)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(table.column_names)
        for batch in table.to_batches():
            writer.writerows(zip(*(column.to_pylist() for column in batch.columns), strict=True))
    return int(table.num_rows)


def _list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v) for v in value if v]
    text = str(value).strip()
    if text.startswith("["):
        try:
            return [str(v) for v in json.loads(text) if v]
        except (json.JSONDecodeError, TypeError):
            pass
    return [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]


def network_records(store: Store | Engine) -> list[dict[str, Any]]:
    """networks.json as a list of dicts, highest priority first."""
    engine = as_engine(store)
    if not engine.table_exists("network_scores") or not engine.scalar("SELECT count(*) FROM network_scores"):
        return []
    from toex.reference import force_ids

    known = force_ids()
    owners = {r[0]: (r[1], r[2]) for r in engine.fetchall("SELECT network_id, owner_level, owner_unit FROM network_owners")}
    members: dict[str, list[dict[str, str]]] = {}
    for nid, eid, kind, role in engine.fetchall(
        "SELECT network_id, entity_id, kind, role FROM network_members ORDER BY network_id, "
        "CASE role WHEN 'organiser' THEN 0 WHEN 'exploited' THEN 1 WHEN 'front' THEN 2 WHEN 'facilitator' THEN 3 ELSE 4 END, entity_id"
    ):
        members.setdefault(nid, []).append({"entity_id": eid, "kind": kind, "role": role})
    actions = _actions(engine)
    out = []
    for nid, rank, score, version, summary, breakdown, threats, forces, *dims in engine.fetchall(
        f"SELECT s.network_id, s.rank, s.score, s.weights_version, s.summary, s.breakdown, n.threats, n.forces, "
        f"{', '.join('s.' + d for d in SCORE_DIMENSIONS)} FROM network_scores s JOIN networks n USING (network_id) "
        "ORDER BY s.rank"
    ):
        all_forces = sorted({f for f in _list(forces) if f in known})  # detect's geography
        level, unit = owners.get(nid) or _owner_fallback(all_forces)
        out.append({
            "id": nid,
            "rank": int(rank),
            "score": round(float(score), 2),
            "threats": _list(threats),
            "forces": all_forces,
            "owner": {"level": level, "unit": unit},
            "members": members.get(nid, []),
            "summary": summary or "",
            "score_breakdown": {d: round(float(v or 0.0), 4) for d, v in zip(SCORE_DIMENSIONS, dims, strict=True)},
            "score_explanation": _explanations(breakdown),
            "actions": actions.get(nid) or _actions_fallback(engine, nid),
            "weights_version": version,
        })
    return out


def _explanations(breakdown: Any) -> dict[str, str]:
    """Dimension -> why it has its value (and any analyst override)."""
    detail = json.loads(breakdown) if isinstance(breakdown, str) and breakdown else {}
    out = {}
    for d in SCORE_DIMENSIONS:
        item = detail.get(d) or {}
        text = str(item.get("explanation", ""))
        if item.get("override"):
            o = item["override"]
            text += f" [analyst override {o.get('value')} by {o.get('actor')}: {o.get('rationale')}]"
        out[d] = text
    return out


def _owner_fallback(forces: list[str]) -> tuple[str, str]:
    from toex.task.owner import owner_for

    o = owner_for(forces)
    return o.level, o.unit


def _actions(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    order = " ".join(f"WHEN '{s}' THEN {i}" for i, s in enumerate(STRAND_ORDER))
    dropped = ", ".join(f"'{o}'" for o in _DROPPED_OUTCOMES)
    for nid, task_id, strand, action, unit, status, due in engine.fetchall(
        f"SELECT network_id, task_id, strand, action, owner_unit, status, CAST(due AS VARCHAR) FROM tasks "
        f"WHERE NOT (status = 'closed' AND coalesce(outcome, '') IN ({dropped})) "
        f"ORDER BY network_id, CASE strand {order} END, task_id"
    ):
        out.setdefault(nid, []).append({"strand": strand, "action": action, "owner": unit,
                                        "task_id": task_id, "status": status, "due": due})
    return out


def _actions_fallback(engine: Engine, network_id: str) -> list[dict[str, Any]]:
    """Actions generated on the fly when tasking has not run for a network (not yet tasks)."""
    from toex.task.actions import generate_actions
    from toex.task.context import load_contexts

    ctx = load_contexts(engine).get(network_id)
    if ctx is None:
        return []
    return [{"strand": a.strand, "action": a.action, "owner": a.owner_unit, "task_id": None, "status": "unsaved",
             "due": None} for a in generate_actions(ctx)]


def safeguarding_rows(store: Store | Engine) -> list[tuple[Any, ...]]:
    """safeguarding.csv rows, most urgent first."""
    engine = as_engine(store)
    if not engine.table_exists("safeguarding_list"):
        return []
    return engine.fetchall(
        "SELECT rank, entity_id, score, age, network_id, coalesce(indicators, '') FROM safeguarding_list ORDER BY rank"
    )


def alert_records(store: Store | Engine) -> list[dict[str, Any]]:
    """alerts.json: kind, score, summary and the fields of the kind; most significant first."""
    engine = as_engine(store)
    if not engine.table_exists("alerts"):
        return []
    out = []
    for alert_id, kind, score, summary, detail in engine.fetchall(
        "SELECT alert_id, kind, score, summary, detail FROM alerts ORDER BY score DESC, alert_id"
    ):
        fields = json.loads(detail) if detail else {}
        out.append({"kind": kind, "score": round(float(score), 2), "summary": summary, **fields, "alert_id": alert_id})
    return out


def write_export(store: Store | Engine, out_dir: Path | str, *, actor: str = "cli", recipients: list[str] | None = None,
                 purpose: str | None = None) -> ExportSummary:
    """Write the four contract files into ``out_dir`` and audit the disclosure."""
    engine = as_engine(store)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if not engine.table_exists("network_scores"):
        raise StoreError("the store has no assessment yet: run 'toex assess' before 'toex export'")
    summary = ExportSummary(out)
    summary.files["entities.csv"] = write_entities(engine, out / "entities.csv", summary)
    networks = network_records(engine)
    _write_json(out / "networks.json", networks)
    summary.files["networks.json"] = len(networks)
    summary.files["safeguarding.csv"] = write_csv(
        out / "safeguarding.csv", ("rank", "entity_id", "score", "age", "network_id", "indicators"), safeguarding_rows(engine))
    alerts = alert_records(engine)
    _write_json(out / "alerts.json", alerts)
    summary.files["alerts.json"] = len(alerts)
    record_audit(engine, actor, "disclosure", f"export:{out}",
                 {"format": "threat-picture", "files": summary.files, "recipients": recipients or []},
                 purpose=purpose or "threat picture export")
    return summary


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
