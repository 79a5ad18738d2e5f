"""The truth folder: what was planted, kept apart from the dataset.

- ``records.csv``: source, ref, kind, entity_id for every person, location, object and
  organisation record written;
- ``persons.csv``: each true person's canonical name, date of birth and sex;
- ``networks.json``: each planted network (and decoy) with members and roles;
- ``safeguarding.csv``: the exploited people;
- ``trends.json``: the trend alerts a good analysis raises;
- ``manifest.json``: seed, scale, config, reference version, counts;
- ``run.json``: generation time and duration (the only file that differs between runs).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from toex.synth.tables import Columns, string_array, truth_ids


class TruthWriter:
    """Appends truth rows as sources are written (bounded memory), then the summaries."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self._records = root / "records.csv"
        self._persons = root / "persons.csv"
        for path in (self._records, self._persons):
            path.unlink(missing_ok=True)
        self._seen_persons: set[int] = set()

    def _append(self, path: Path, columns: Columns) -> None:
        table = pa.table({c: string_array(v) for c, v in columns.items()})
        opts = pacsv.WriteOptions(include_header=not path.exists(), quoting_style="needed")
        with path.open("ab") as fh:
            pacsv.write_csv(table, fh, write_options=opts)

    def records(self, columns: Columns) -> None:
        """Append truth rows given as columns source, ref, kind, entity_id."""
        if len(columns["ref"]):
            self._append(self._records, {c: columns[c] for c in ("source", "ref", "kind", "entity_id")})

    def persons(self, people: pd.DataFrame) -> None:
        """Canonical attributes of true people (each written once)."""
        eids = people["eid"].to_numpy(dtype=np.int64)
        seen = self._seen_persons
        new = np.fromiter((e not in seen for e in eids.tolist()), dtype=bool, count=len(eids))
        first = np.zeros(len(eids), dtype=bool)
        if len(eids):
            first[np.unique(eids, return_index=True)[1]] = True
        keep = np.flatnonzero(new & first)
        if not len(keep):
            return
        seen.update(eids[keep].tolist())
        first_name = people["first"].to_numpy(dtype=object)[keep]
        middle = people["middle"].to_numpy(dtype=object)[keep]
        self._append(self._persons, {
            "entity_id": truth_ids("person", eids[keep]),
            "forenames": np.where(middle == "", first_name, first_name + " " + middle),
            "surname": people["surname"].to_numpy(dtype=object)[keep],
            "dob": np.datetime_as_string(people["dob"].to_numpy(dtype="datetime64[D]")[keep], unit="D").astype(object),
            "sex": people["sex"].to_numpy(dtype=object)[keep],
        })

    def write_json(self, name: str, data: Any) -> None:
        (self.root / name).write_text(json.dumps(data, indent=2, sort_keys=False, default=str) + "\n", encoding="utf-8")

    def safeguarding(self, rows: list[dict[str, str]]) -> None:
        df = pd.DataFrame(rows, columns=["entity_id", "network_id", "reason"])
        df.to_csv(self.root / "safeguarding.csv", index=False, lineterminator="\n")
