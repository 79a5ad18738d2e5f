"""SVG images for intelligence packages, drawn here: no tile server, no network access.

- link chart: a seeded force-directed layout (networkx spring layout), roles coloured;
- map: England and Wales drawn as the centroids of the postcode districts
  (reference data), force centroids, offences and addresses projected on top;
- timeline: records on a time axis, coloured by kind.
Every text is XML-escaped.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from functools import cache
from xml.sax.saxutils import escape, quoteattr

import networkx as nx

from toex import reference

ROLE_COLOURS = {"organiser": "#b2182b", "exploited": "#2166ac", "associate": "#7f7f7f", "facilitator": "#e08214",
                "front": "#5e3c99"}
KIND_COLOURS = {"offence": "#b2182b", "missing-episode": "#2166ac", "intelligence": "#1b7837", "nrm-referral": "#5e3c99",
                "custody": "#e08214", "stop-search": "#8c510a", "safeguarding-referral": "#35978f"}
_FONT = "font-family='DejaVu Sans, sans-serif'"


def _t(x: float, y: float, text: str, size: int = 10, anchor: str = "middle", fill: str = "#222") -> str:
    return (f"<text x='{x:.1f}' y='{y:.1f}' font-size='{size}' text-anchor='{anchor}' fill='{fill}' {_FONT}>"
            f"{escape(text)}</text>")


def link_chart(graph: nx.MultiDiGraph, width: int = 760, height: int = 520) -> str:
    """The network as a link chart (SVG)."""
    simple = nx.Graph(graph)
    if simple.number_of_nodes() == 0:
        return _empty(width, height, "no members")
    pos = nx.spring_layout(simple, seed=42, k=1.5 / math.sqrt(max(simple.number_of_nodes(), 1)))
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    pad = 70

    def place(node: object) -> tuple[float, float]:
        x, y = pos[node]
        sx = pad + (x - min(xs)) / ((max(xs) - min(xs)) or 1) * (width - 2 * pad)
        sy = pad / 2 + (y - min(ys)) / ((max(ys) - min(ys)) or 1) * (height - 1.5 * pad)
        return sx, sy

    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' viewBox='0 0 {width} {height}'>",
             f"<rect width='{width}' height='{height}' fill='white'/>"]
    for a, b, data in graph.edges(data=True):
        (x1, y1), (x2, y2) = place(a), place(b)
        dash = " stroke-dasharray='4 3'" if data.get("grading") else ""
        parts.append(f"<line x1='{x1:.1f}' y1='{y1:.1f}' x2='{x2:.1f}' y2='{y2:.1f}' stroke='#999' stroke-width='1.2'{dash}/>")
        parts.append(_t((x1 + x2) / 2, (y1 + y2) / 2 - 3, str(data.get("relation", "")), 8, fill="#666"))
    for node, data in graph.nodes(data=True):
        x, y = place(node)
        role = str(data.get("role", "")).split(";")[0]
        colour = ROLE_COLOURS.get(role, "#7f7f7f")
        kind = str(data.get("kind", ""))
        if kind == "person":
            parts.append(f"<circle cx='{x:.1f}' cy='{y:.1f}' r='11' fill={quoteattr(colour)} stroke='#222'/>")
        else:
            parts.append(f"<rect x='{x - 10:.1f}' y='{y - 10:.1f}' width='20' height='20' fill={quoteattr(colour)} stroke='#222'/>")
        parts.append(_t(x, y + 24, str(data.get("label", node))[:40], 9))
        parts.append(_t(x, y + 35, f"{node} ({role})", 8, fill="#555"))
    parts.append(_legend(ROLE_COLOURS, 10, height - 14))
    parts.append("</svg>")
    return "".join(parts)


def _legend(colours: dict[str, str], x: float, y: float) -> str:
    out = []
    for name, colour in colours.items():
        out.append(f"<rect x='{x:.0f}' y='{y - 8:.0f}' width='9' height='9' fill='{colour}'/>")
        out.append(_t(x + 12, y, name, 9, anchor="start"))
        x += 20 + 6.5 * len(name)
    return "".join(out)


def _empty(width: int, height: int, text: str) -> str:
    return (f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}'>"
            f"<rect width='{width}' height='{height}' fill='white' stroke='#ccc'/>{_t(width / 2, height / 2, text, 12)}</svg>")


# -- map -------------------------------------------------------------------------------------------------------------

_BOUNDS = (-5.9, 49.8, 1.9, 55.9)  # lon_min, lat_min, lon_max, lat_max: England and Wales


@cache
def _outline_points() -> tuple[tuple[float, float], ...]:
    df = reference.postcode_districts()
    df = df[df["force_id"].notna()]
    return tuple(zip(df["longitude"].astype(float), df["latitude"].astype(float), strict=True))


def _project(lon: float, lat: float, width: int, height: int) -> tuple[float, float]:
    lon_min, lat_min, lon_max, lat_max = _BOUNDS
    k = math.cos(math.radians(52.8))
    span_x, span_y = (lon_max - lon_min) * k, lat_max - lat_min
    scale = min((width - 20) / span_x, (height - 20) / span_y)
    return 10 + (lon - lon_min) * k * scale, 10 + (lat_max - lat) * scale


def offence_map(offences: list[tuple[float, float, str]], addresses: list[tuple[float, float, str]],
                forces: list[str], width: int = 420, height: int = 520) -> str:
    """England and Wales with the network's offences (red) and addresses (blue); its forces' centroids labelled."""
    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' viewBox='0 0 {width} {height}'>",
             f"<rect width='{width}' height='{height}' fill='#f4f7fb'/>"]
    for lon, lat in _outline_points():
        x, y = _project(lon, lat, width, height)
        parts.append(f"<circle cx='{x:.1f}' cy='{y:.1f}' r='1.1' fill='#c9d3df'/>")
    for f in reference.forces():
        if f.force_id == "btp":
            continue
        x, y = _project(f.longitude, f.latitude, width, height)
        on = f.force_id in forces
        parts.append(f"<circle cx='{x:.1f}' cy='{y:.1f}' r='{4 if on else 2}' fill='{'#333' if on else '#9aa'}'/>")
        if on:
            parts.append(_t(x + 6, y - 4, f.short_name, 9, anchor="start"))
    for lon, lat, label in addresses:
        x, y = _project(lon, lat, width, height)
        parts.append(f"<rect x='{x - 4:.1f}' y='{y - 4:.1f}' width='8' height='8' fill='#2166ac' opacity='0.85'>"
                     f"<title>{escape(label)}</title></rect>")
    for lon, lat, label in offences:
        x, y = _project(lon, lat, width, height)
        parts.append(f"<circle cx='{x:.1f}' cy='{y:.1f}' r='4' fill='#b2182b' opacity='0.8'><title>{escape(label)}</title></circle>")
    parts.append(_legend({"offence/record": "#b2182b", "address": "#2166ac"}, 10, height - 10))
    parts.append("</svg>")
    return "".join(parts)


# -- timeline --------------------------------------------------------------------------------------------------------


def timeline(records: list[tuple[datetime | date, str, str]], width: int = 760, height: int = 140) -> str:
    """Records (when, kind, label) on a time axis."""
    dated = [(d if isinstance(d, datetime) else datetime(d.year, d.month, d.day), k, lbl) for d, k, lbl in records if d]
    if not dated:
        return _empty(width, height, "no dated records")
    start, end = min(d for d, _k, _l in dated), max(d for d, _k, _l in dated)
    span = (end - start).total_seconds() or 1.0
    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' viewBox='0 0 {width} {height}'>",
             f"<rect width='{width}' height='{height}' fill='white'/>",
             f"<line x1='40' y1='70' x2='{width - 40}' y2='70' stroke='#333'/>"]
    kinds = sorted({k for _d, k, _l in dated})
    for d, kind, label in dated:
        x = 40 + (d - start).total_seconds() / span * (width - 80)
        lane = kinds.index(kind) % 4
        colour = KIND_COLOURS.get(kind, "#555")
        parts.append(f"<circle cx='{x:.1f}' cy='{58 - lane * 9}' r='4' fill='{colour}'><title>{escape(label)}</title></circle>")
    parts.append(_t(40, 88, start.date().isoformat(), 9, anchor="start"))
    parts.append(_t(width - 40, 88, end.date().isoformat(), 9, anchor="end"))
    parts.append(_legend({k: KIND_COLOURS.get(k, "#555") for k in kinds}, 40, height - 12))
    parts.append("</svg>")
    return "".join(parts)
