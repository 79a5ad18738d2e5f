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

from toex.synth.tables import truth_id


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

    def _append(self, path: Path, df: pd.DataFrame) -> None:
        table = pa.Table.from_pandas(df.astype(str), preserve_index=False)
        opts = pacsv.WriteOptions(include_header=not path.exists(), quoting_style="needed")
        with path.open("ab") as fh:
            pacsv.write_csv(table, fh, write_options=opts)

    def records(self, df: pd.DataFrame) -> None:
        if len(df):
            self._append(self._records, df.loc[:, ["source", "ref", "kind", "entity_id"]])

    def persons(self, people: pd.DataFrame) -> None:
        """Canonical attributes of true people (each written once)."""
        eids = people["eid"].to_numpy(dtype=np.int64)
        new = ~pd.Series(eids).isin(self._seen_persons).to_numpy()
        new &= ~pd.Series(eids).duplicated().to_numpy()
        df = people[new]
        if not len(df):
            return
        self._seen_persons.update(int(e) for e in df["eid"])
        forenames = np.where(df["middle"] == "", df["first"], df["first"] + " " + df["middle"])
        out = pd.DataFrame({
            "entity_id": [truth_id("person", int(e)) for e in df["eid"]],
            "forenames": forenames, "surname": df["surname"].to_numpy(dtype=object),
            "dob": np.datetime_as_string(df["dob"].to_numpy(dtype="datetime64[D]"), unit="D"),
            "sex": df["sex"].to_numpy(dtype=object),
        })
        self._append(self._persons, out)

    def write_json(self, name: str, data: Any) -> None:
        (self.root / name).write_text(json.dumps(data, indent=2, sort_keys=False, default=str) + "\n", encoding="utf-8")

    def safeguarding(self, rows: list[dict[str, str]]) -> None:
        df = pd.DataFrame(rows, columns=["entity_id", "network_id", "reason"])
        df.to_csv(self.root / "safeguarding.csv", index=False, lineterminator="\n")
