"""Standard interchange files: FollowTheMoney, GraphML, GEXF and i2 ANX, each audited as a disclosure."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from toex.engine import Engine, as_engine, record_audit
from toex.share.ftm import write_ftm
from toex.share.graph import build_graph, write_gexf, write_graphml
from toex.share.i2 import write_anx
from toex.store import Store

FORMATS = ("ftm", "graphml", "gexf", "i2")
FILES = {"ftm": "entities.ftm.json", "graphml": "networks.graphml", "gexf": "networks.gexf", "i2": "networks.anx"}


def write_interchange(store: Store | Engine, out_dir: Path | str, formats: Sequence[str] = FORMATS, *, actor: str = "cli",
                      recipients: list[str] | None = None, exclude_handling_c: bool = False,
                      network_id: str | None = None) -> dict[Path, int]:
    """Write the chosen formats into ``out_dir``; return path -> items written."""
    engine = as_engine(store)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: dict[Path, int] = {}
    graph = build_graph(engine, network_id, exclude_handling_c=exclude_handling_c)
    for fmt in formats:
        path = out / FILES[fmt]
        if fmt == "ftm":
            written[path] = write_ftm(engine, path, network_id, exclude_handling_c=exclude_handling_c)
        elif fmt == "graphml":
            write_graphml(graph, path)
            written[path] = graph.number_of_nodes() + graph.number_of_edges()
        elif fmt == "gexf":
            write_gexf(graph, path)
            written[path] = graph.number_of_nodes() + graph.number_of_edges()
        elif fmt == "i2":
            write_anx(graph, path, title=f"toex {network_id or 'threat picture'}")
            written[path] = graph.number_of_nodes() + graph.number_of_edges()
        else:
            raise ValueError(f"unknown interchange format {fmt!r}; expected one of {', '.join(FORMATS)}")
    record_audit(engine, actor, "disclosure", f"export:{out}",
                 {"formats": list(formats), "files": {str(p): n for p, n in written.items()},
                  "recipients": recipients or [], "exclude_handling_c": exclude_handling_c, "network": network_id},
                 purpose="interchange export")
    return written
