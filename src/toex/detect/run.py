"""``toex analyse``: build the graph and run every detector, in one transaction.

Every output table is replaced as a whole; an interrupted run leaves the
previous results. The run is recorded in ``analysis_runs`` and as a
``combination`` entry in the audit trail (DPA 2018 s.62: combining data sets).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime

from toex.detect import base
from toex.detect.config import AnalyseConfig
from toex.detect.indicators import run_indicators
from toex.detect.networks import Network, write_networks
from toex.detect.travelling import write_travelling
from toex.detect.trends import write_trends
from toex.engine import Engine, as_engine, record_audit
from toex.graph.build import build_graph
from toex.store import Store

STEPS = ("graph", "indicators", "trends", "travelling", "networks")


@dataclass
class NetworkBrief:
    network_id: str
    threats: list[str]
    forces: list[str]
    organisers: list[str]
    exploited: int
    children: int
    summary: str


@dataclass
class AnalysisSummary:
    """What a run found, for the CLI and the audit entry."""

    run_id: str
    as_of: date
    nodes: int = 0
    edges: int = 0
    indicators: dict[str, int] = field(default_factory=dict)
    people_flagged: int = 0
    children_flagged: int = 0
    trend_alerts: int = 0
    top_trends: list[str] = field(default_factory=list)
    travelling_groups: int = 0
    top_groups: list[str] = field(default_factory=list)
    networks: list[NetworkBrief] = field(default_factory=list)
    seconds: float = 0.0

    def counts(self) -> dict[str, object]:
        return {
            "nodes": self.nodes, "edges": self.edges, "indicators": self.indicators,
            "people_flagged": self.people_flagged, "children_flagged": self.children_flagged,
            "trend_alerts": self.trend_alerts, "travelling_groups": self.travelling_groups,
            "networks": len(self.networks),
        }


def analyse(target: Store | Engine, config: AnalyseConfig | None = None, actor: str = "cli",
            progress: Callable[[str], None] | None = None) -> AnalysisSummary:
    """Build the graph, run every detector and write all outputs in one transaction (on any engine)."""
    engine = as_engine(target)
    cfg = config or AnalyseConfig()
    started = datetime.now(UTC).replace(tzinfo=None)
    as_of = base.dataset_as_of(engine)
    out = AnalysisSummary(run_id=f"A-{started:%Y%m%d%H%M%S}-{uuid.uuid4().hex[:6]}", as_of=as_of)

    def step(name: str) -> None:
        if progress:
            progress(name)

    with engine.transaction():
        step("graph")
        g = build_graph(engine)
        out.nodes, out.edges = g.nodes, g.edges
        base.prepare(engine, as_of)
        step("indicators")
        out.indicators = run_indicators(engine, cfg.indicators, as_of)
        step("trends")
        out.trend_alerts = _trends(engine, cfg, out)
        step("travelling")
        groups = write_travelling(engine, cfg.travel)
        out.travelling_groups = len(groups)
        out.top_groups = [str(r[0]) for r in engine.fetchall(
            "SELECT summary FROM travelling_groups ORDER BY mobility_score DESC, events DESC, group_id LIMIT 5")]
        step("networks")
        nets = write_networks(engine, cfg, as_of)
        out.networks = _briefs(engine, nets)
        _flagged(engine, out)
        base.cleanup(engine)
        finished = datetime.now(UTC).replace(tzinfo=None)
        out.seconds = (finished - started).total_seconds()
        engine.execute("DELETE FROM analysis_runs WHERE run_id = ?", [out.run_id])
        engine.execute(
            "INSERT INTO analysis_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [out.run_id, started, finished, actor, cfg.model_dump_json(), as_of,
             json.dumps(out.counts()), describe(out)],
        )
        record_audit(engine, actor, "combination", target="analysis", purpose="exploitation network analysis",
                     detail={"run_id": out.run_id, "as_of": str(as_of), **out.counts()})
    return out


def _trends(engine: Engine, cfg: AnalyseConfig, out: AnalysisSummary) -> int:
    n = write_trends(engine, cfg.trends)
    out.top_trends = [str(r[0]) for r in engine.fetchall("SELECT summary FROM trend_alerts ORDER BY alert_id LIMIT 5")]
    return n


def _briefs(engine: Engine, nets: list[Network]) -> list[NetworkBrief]:
    rows = engine.fetchall("SELECT network_id, summary FROM networks ORDER BY network_id")
    return [
        NetworkBrief(
            network_id=str(nid), threats=list(net.threats), forces=net.forces,
            organisers=[m.entity_id for m in net.with_role("organiser")],
            exploited=len(net.with_role("exploited")),
            children=sum(1 for m in net.with_role("exploited") if m.safeguarding and "(child)" in m.safeguarding),
            summary=str(summary),
        )
        for (nid, summary), net in zip(rows, nets, strict=True)
    ]


def _flagged(engine: Engine, out: AnalysisSummary) -> None:
    row = engine.execute(
        """SELECT count(DISTINCT i.entity_id),
                  count(DISTINCT i.entity_id) FILTER (WHERE p.age_today < 18 OR k.person IS NOT NULL)
        FROM person_indicators i LEFT JOIN __d_person p ON p.entity_id = i.entity_id
        LEFT JOIN (SELECT DISTINCT person FROM __d_pe WHERE age_at BETWEEN 0 AND 17) k ON k.person = i.entity_id"""
    ).fetchone()
    if row:
        out.people_flagged, out.children_flagged = int(row[0]), int(row[1])


def describe(out: AnalysisSummary) -> str:
    """What the run found, in an analyst's words."""
    parts = [f"As of {out.as_of:%d %b %Y}: {out.people_flagged} people flagged for review "
             f"({out.children_flagged} children, to be treated first as potential victims)",
             f"{out.trend_alerts} emerging trend(s)", f"{out.travelling_groups} travelling group(s)",
             f"{len(out.networks)} suspected exploitation network(s)"]
    return "; ".join(parts) + "."


def summary_dict(out: AnalysisSummary) -> dict[str, object]:
    """JSON-friendly form of the summary."""
    data = asdict(out)
    data["as_of"] = str(out.as_of)
    return data
