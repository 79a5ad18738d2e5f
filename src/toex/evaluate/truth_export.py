"""Build an export folder (threat-picture-export.md) straight from a truth folder:
the perfect answer, used to test the evaluator and as an example of the format."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd


def export_from_truth(truth_dir: Path, out_dir: Path) -> None:
    """Write entities.csv, networks.json, safeguarding.csv and alerts.json that score 1.0."""
    out_dir.mkdir(parents=True, exist_ok=True)
    records = pd.read_csv(truth_dir / "records.csv", dtype=str, keep_default_na=False)
    records.loc[:, ["source", "ref", "kind", "entity_id"]].to_csv(out_dir / "entities.csv", index=False)
    planted = json.loads((truth_dir / "networks.json").read_text(encoding="utf-8"))
    nets = []
    for rank, n in enumerate((n for n in planted if not n["decoy"]), start=1):
        nets.append({
            "id": f"N-{rank:04d}", "rank": rank, "score": 100.0 - rank, "threats": n["threats"], "forces": n["forces"],
            "owner": {"level": n["owner_level"], "unit": n["owner_unit"]}, "members": n["members"],
            "summary": n["summary"], "score_breakdown": {}, "actions": [],
        })
    (out_dir / "networks.json").write_text(json.dumps(nets, indent=1), encoding="utf-8")
    sg = pd.read_csv(truth_dir / "safeguarding.csv", dtype=str, keep_default_na=False).drop_duplicates("entity_id")
    pd.DataFrame({"rank": range(1, len(sg) + 1), "entity_id": sg["entity_id"], "score": 90.0, "age": "",
                  "network_id": sg["network_id"], "indicators": ""}).to_csv(out_dir / "safeguarding.csv", index=False)
    trends = json.loads((truth_dir / "trends.json").read_text(encoding="utf-8"))
    alerts = [{**t, "score": 10.0 - i, "summary": "planted trend", "observed": 0, "expected": 0} for i, t in enumerate(trends)]
    (out_dir / "alerts.json").write_text(json.dumps(alerts, indent=1), encoding="utf-8")
