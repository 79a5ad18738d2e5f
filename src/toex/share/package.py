"""An intelligence package per network: HTML, and PDF through WeasyPrint.

Contents: classification banner (OFFICIAL-SENSITIVE by default) and the user
who produced it; summary; score breakdown; link chart; map of offences and
addresses; timeline; people to safeguard with their route; the 4P plan; the
evidence with provenance and 3x5x2 grades. With ``share_outside_owner`` every
record with handling code C is left out (evidence, map, timeline, and the
link-chart edges resting on it). All text is escaped (Jinja2 autoescape, SVG
escaping). Each package written is audited as a ``disclosure``.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from toex import __version__, reference
from toex.engine import Engine, as_engine, record_audit
from toex.share.charts import link_chart, offence_map, timeline
from toex.share.export import STRAND_ORDER, network_records
from toex.share.graph import build_graph
from toex.store import Store

TEMPLATES = Path(__file__).resolve().parent / "templates"
DEFAULT_CLASSIFICATION = "OFFICIAL-SENSITIVE"


@dataclass(frozen=True)
class PackageResult:
    """Files written for one package."""

    network_id: str
    html: Path
    pdf: Path | None
    withheld: int


class PackageError(ValueError):
    """A package cannot be produced (unknown network, no assessment)."""


def _b64(svg: str) -> str:
    return base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html", "xml"]),
                       trim_blocks=False, lstrip_blocks=False)


def _evidence(engine: Engine, network_id: str, share_outside_owner: bool) -> tuple[list[dict[str, Any]], int]:
    rows = engine.fetchall(
        """
        SELECT DISTINCT ev.source_id, ev.ref, ev.kind, CAST(ev.occurred_from AS DATE), ev.force,
               coalesce(ev.offence_code || ' ' || oc.description, ev.offence_code, ''), ev.entity_id,
               ev.grade_source, ev.grade_intel, ev.handling, ev.latitude, ev.longitude, ev.occurred_from
        FROM network_evidence ev LEFT JOIN ref_offence_codes oc ON oc.offence_code = ev.offence_code
        WHERE ev.network_id = ? ORDER BY ev.occurred_from, ev.source_id, ev.ref
        """, [network_id])
    out, withheld = [], 0
    for src, ref, kind, day, force, offence, member, g_s, g_i, handling, lat, lon, when in rows:
        if share_outside_owner and (handling or "").strip().upper() == "C":
            withheld += 1
            continue
        grade = f"{g_s or ''}{g_i or ''} {handling or ''}".strip() or "recorded event"
        out.append({"source": src, "ref": ref, "kind": kind, "date": day.isoformat() if day else "", "force": force or "",
                    "offence": offence, "member": member, "grade": grade, "lat": lat, "lon": lon, "when": when})
    return out, withheld


def _place(e: dict[str, Any]) -> tuple[float, float, str]:
    """Where to draw a record: its coordinates, else its force's centroid."""
    label = f"{e['kind']} {e['source']}:{e['ref']}"
    if e["lat"] is not None and e["lon"] is not None:
        return float(e["lon"]), float(e["lat"]), label
    if e["force"] in reference.force_ids():
        f = reference.force(e["force"])
        return f.longitude, f.latitude, label + " (force area)"
    return float("nan"), float("nan"), label


def _safeguarding(engine: Engine, network_id: str) -> list[dict[str, Any]]:
    rows = engine.fetchall(
        """
        SELECT s.entity_id, trim(coalesce(pe.forenames, '') || ' ' || coalesce(pe.surname, '')), s.age, s.score, s.summary
        FROM safeguarding_list s LEFT JOIN person_entities pe USING (entity_id)
        WHERE s.network_id = ? OR s.entity_id IN (SELECT entity_id FROM network_members WHERE network_id = ? AND role = 'exploited')
        ORDER BY s.rank
        """, [network_id, network_id])
    return [{"label": f"{name} ({eid})" if name else eid, "age": age, "score": float(score), "summary": summary or ""}
            for eid, name, age, score, summary in rows]


def _addresses(engine: Engine, network_id: str) -> list[tuple[float, float, str]]:
    rows = engine.fetchall(
        """
        SELECT DISTINCT le.longitude, le.latitude, concat_ws(', ', le.address, le.town, le.postcode)
        FROM location_entities le
        WHERE le.latitude IS NOT NULL AND (
              le.entity_id IN (SELECT entity_id FROM network_members WHERE network_id = ? AND kind = 'location')
           OR le.entity_id IN (
              SELECT lr.entity_id FROM network_members nm
              JOIN entity_records pr ON pr.entity_id = nm.entity_id AND pr.kind = 'person'
              JOIN links l ON l.source_id = pr.source_id AND l.from_ref = pr.ref AND l.from_kind = 'person'
                   AND l.role IN ('resides-at', 'stays-at')
              JOIN entity_records lr ON lr.source_id = l.source_id AND lr.ref = l.to_ref AND lr.kind = 'location'
              WHERE nm.network_id = ?))
        """, [network_id, network_id])
    return [(float(lon), float(lat), str(label)) for lon, lat, label in rows]


def _breakdown(network_id: str, engine: Engine) -> list[dict[str, Any]]:
    raw = engine.scalar("SELECT breakdown FROM network_scores WHERE network_id = ?", [network_id])
    detail = json.loads(raw) if raw else {}
    return [{"name": name, "automated": float(d.get("automated", 0.0)), "final": float(d.get("final", 0.0)),
             "weight": d.get("weight"), "explanation": d.get("explanation", ""), "override": d.get("override")}
            for name, d in detail.items()]


def _actions(engine: Engine, network: dict[str, Any], withheld_refs: set[str]) -> list[dict[str, Any]]:
    approvers = dict(engine.fetchall("SELECT task_id, approved_by FROM tasks WHERE network_id = ?", [network["id"]]))
    actions = [dict(a, approved_by=approvers.get(a.get("task_id")), action=_redact(a["action"], withheld_refs))
               for a in network["actions"]]
    return sorted(actions, key=lambda a: STRAND_ORDER.index(a["strand"]) if a["strand"] in STRAND_ORDER else 9)


def _redact(text: str, refs: set[str]) -> str:
    """Replace references to withheld (handling code C) records."""
    for ref in sorted(refs, key=len, reverse=True):
        text = text.replace(ref, "[withheld: handling code C]")
    return text


def _withheld_refs(engine: Engine, network_id: str) -> set[str]:
    return {f"{s}:{r}" for s, r in engine.fetchall(
        "SELECT DISTINCT source_id, ref FROM network_evidence WHERE network_id = ? AND upper(trim(handling)) = 'C'",
        [network_id])}


def render_package(store: Store | Engine, network_id: str, *, produced_by: str, classification: str = DEFAULT_CLASSIFICATION,
                   share_outside_owner: bool = False) -> tuple[str, int]:
    """The package as HTML; also how many handling-code-C records were withheld."""
    engine = as_engine(store)
    networks = network_records(engine)
    network = next((n for n in networks if n["id"] == network_id), None)
    if network is None:
        raise PackageError(f"no assessed network {network_id!r}; run 'toex assess' and see its list")
    owner_row = engine.execute("SELECT owner_level, owner_unit, reason FROM network_owners WHERE network_id = ?",
                              [network_id]).fetchone()
    owner = {"level": network["owner"]["level"], "unit": network["owner"]["unit"],
             "reason": owner_row[2] if owner_row else "owner rules"}
    evidence, withheld = _evidence(engine, network_id, share_outside_owner)
    graph = build_graph(engine, network_id, exclude_handling_c=share_outside_owner)
    offences = [_place(e) for e in evidence]
    members = [{"id": n, "label": d.get("label", n), "kind": d.get("kind", ""), "role": d.get("role", "")}
               for n, d in sorted(graph.nodes(data=True))]
    context = {
        "classification": classification,
        "produced_by": produced_by,
        "produced_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "version": __version__,
        "network": {**network, "of": len(networks)},
        "owner": owner,
        "share_outside_owner": share_outside_owner,
        "withheld": withheld,
        "breakdown": _breakdown(network_id, engine),
        "link_chart": _b64(link_chart(graph)),
        "map": _b64(offence_map([o for o in offences if o[0] == o[0]], _addresses(engine, network_id), network["forces"])),
        "timeline": _b64(timeline([(e["when"], e["kind"], f"{e['kind']} {e['source']}:{e['ref']}") for e in evidence])),
        "members": members,
        "safeguarding": _safeguarding(engine, network_id),
        "actions": _actions(engine, network, _withheld_refs(engine, network_id) if share_outside_owner else set()),
        "evidence": evidence,
    }
    return _environment().get_template("package.html").render(**context), withheld


def write_package(store: Store | Engine, network_id: str, out_dir: Path | str, *, produced_by: str, pdf: bool = False,
                  classification: str = DEFAULT_CLASSIFICATION, share_outside_owner: bool = False,
                  recipients: list[str] | None = None) -> PackageResult:
    """Write ``<network>.html`` (and ``.pdf``) into ``out_dir``; audit the disclosure."""
    engine = as_engine(store)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    html, withheld = render_package(engine, network_id, produced_by=produced_by, classification=classification,
                                    share_outside_owner=share_outside_owner)
    stem = f"{network_id}{'-shareable' if share_outside_owner else ''}"
    html_path = out / f"{stem}.html"
    html_path.write_text(html, encoding="utf-8")
    pdf_path = None
    if pdf:
        from weasyprint import HTML  # type: ignore[import-untyped]  # loads pango: only PDF output needs it

        pdf_path = out / f"{stem}.pdf"
        HTML(string=html, base_url=str(out)).write_pdf(str(pdf_path))
    record_audit(engine, produced_by, "disclosure", f"package:{network_id}",
                 {"html": str(html_path), "pdf": str(pdf_path) if pdf_path else None, "classification": classification,
                  "share_outside_owner": share_outside_owner, "withheld_handling_c": withheld,
                  "recipients": recipients or []}, purpose="intelligence package")
    return PackageResult(network_id, html_path, pdf_path, withheld)
