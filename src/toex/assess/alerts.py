"""The alerts table: detect's trend and travelling-group alerts plus this run's change alerts.

Every alert has ``kind``, a 0-100 ``score`` (most significant first),
a plain-language ``summary`` and, in ``detail``, the fields of its kind as
threat-picture-export.md lists them:

- ``emerging-trend``: force, offence_code or category, group, period {from, to}, observed, expected;
- ``travelling-group``: members, forces, period {from, to}, events;
- ``change``: change (what kind of change), network_id, entity_id, evidence [{source, ref}].
"""

from __future__ import annotations

import json
from typing import Any

from toex.assess.changes import Change
from toex.assess.facts import as_list
from toex.engine import Engine


def _percent(value: Any) -> float:
    """Detect scores on a 0..1 scale become 0..100; larger ones are capped at 100."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        return 0.0
    if x != x:  # NaN
        return 0.0
    return round(max(0.0, min(100.0, x * 100.0 if x <= 1.0 else x)), 2)


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _num(value: Any) -> Any:
    if value is None:
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return value
    return int(f) if f.is_integer() else f


def trend_alerts(engine: Engine) -> list[tuple[str, str, float, str, dict[str, Any]]]:
    """Rows for the alerts table from ``trend_alerts``."""
    if not engine.table_exists("trend_alerts"):
        return []
    out = []
    for alert_id, force, code, category, grp, p_from, p_to, observed, expected, score, p_value, summary in engine.fetchall(
        "SELECT alert_id, force, offence_code, category, grp, period_from, period_to, observed, expected, score, "
        "p_value, summary FROM trend_alerts"
    ):
        detail: dict[str, Any] = {"force": force, "group": grp, "period": {"from": _iso(p_from), "to": _iso(p_to)},
                                  "observed": _num(observed), "expected": _num(expected), "p_value": _num(p_value)}
        if code:
            detail["offence_code"] = code
        if category or not code:
            detail["category"] = category
        # detect scores trends as -log10(p), capped: 10 (p = 1e-10) or more is 100 here
        trend_score = round(max(0.0, min(100.0, 10.0 * float(score))), 2) if score is not None else 0.0
        out.append((f"trend:{alert_id}", "emerging-trend", trend_score, str(summary or ""), detail))
    return out


def travelling_alerts(engine: Engine) -> list[tuple[str, str, float, str, dict[str, Any]]]:
    """Rows for the alerts table from ``travelling_groups``."""
    if not engine.table_exists("travelling_groups"):
        return []
    out = []
    for group_id, members, forces, p_from, p_to, events, mobility, summary in engine.fetchall(
        "SELECT group_id, members, forces, period_from, period_to, events, mobility_score, summary FROM travelling_groups"
    ):
        detail = {"members": as_list(members), "forces": as_list(forces),
                  "period": {"from": _iso(p_from), "to": _iso(p_to)}, "events": _num(events)}
        out.append((f"travel:{group_id}", "travelling-group", _percent(mobility), str(summary or ""), detail))
    return out


def change_rows(changes: list[tuple[str, Change]]) -> list[tuple[str, str, float, str, dict[str, Any]]]:
    """Rows for the alerts table from this run's change alerts."""
    out = []
    for alert_id, c in changes:
        detail = {"change": c.change, "network_id": c.network_id, "entity_id": c.entity_id, **c.detail}
        detail.pop("key", None)
        out.append((alert_id, "change", c.score, c.summary, detail))
    return out


def write_alerts(engine: Engine, changes: list[tuple[str, Change]]) -> int:
    """Replace the ``alerts`` table; return how many alerts it holds."""
    rows = trend_alerts(engine) + travelling_alerts(engine) + change_rows(changes)
    engine.execute("DELETE FROM alerts")
    engine.insert_rows("alerts", ("alert_id", "kind", "score", "summary", "detail"),
                       [(a, k, s, m, json.dumps(d, sort_keys=True, default=str)) for a, k, s, m, d in rows])
    return len(rows)
