"""Coverage-guided fuzzing (atheris) of the input parsers, bounded in time.

Targets: the POLE CSV loader (header reading, CSV staging, validation and
quarantine), the data.police.uk loader and the force-export mapping parser.
Each input must either load (every row loaded or quarantined) or fail with a
toex error naming the file; anything else is a finding and stops the run.

Usage: python scripts/fuzz_parsers.py [--seconds 60] [--target pole|policeuk|mapping]
(`make fuzz` runs every target for a minute each.)
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from toex.errors import ToexError
    from toex.ingest.mapping import read_mapping
    from toex.ingest.pole import load_pole_source
    from toex.ingest.policeuk import HEADER, load_policeuk_file
    from toex.store import open_store

WORK = Path(tempfile.mkdtemp(prefix="toex-fuzz-"))
STORE = open_store(None)
SOURCE = WORK / "fuzz-src"
SOURCE.mkdir()
(SOURCE / "source.yaml").write_text(
    "id: fuzz-src\nname: fuzz\nowner: suffolk\nkind: crime\nextracted: 2025-01-01\n", encoding="utf-8")


def pole_target(data: bytes) -> None:
    (SOURCE / "persons.csv").write_bytes(b"ref,forenames,surname,dob,sex\n" + data)
    (SOURCE / "links.csv").write_bytes(b"from_ref,to_ref,role\n" + data[::-1])
    try:
        result = load_pole_source(STORE, SOURCE)
    except ToexError as exc:
        if "persons.csv" not in str(exc) and "links.csv" not in str(exc):
            raise AssertionError(f"error does not name the file: {exc}") from exc
        return
    rows = STORE.scalar("SELECT count(*) FROM persons") + STORE.scalar("SELECT count(*) FROM links")
    assert rows == result.counts["persons"] + result.counts["links"]


def policeuk_target(data: bytes) -> None:
    path = WORK / "2020-01-fuzz-street.csv"
    path.write_bytes(",".join(HEADER).encode() + b"\n" + data)
    try:
        load_policeuk_file(STORE, path)
    except ToexError as exc:
        if path.name not in str(exc):
            raise AssertionError(f"error does not name the file: {exc}") from exc


def mapping_target(data: bytes) -> None:
    path = WORK / "mapping.yaml"
    path.write_bytes(data)
    try:
        read_mapping(path)
    except ToexError as exc:
        if path.name not in str(exc):
            raise AssertionError(f"error does not name the file: {exc}") from exc


TARGETS = {"pole": pole_target, "policeuk": policeuk_target, "mapping": mapping_target}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--target", choices=sorted(TARGETS), default="pole")
    args, rest = parser.parse_known_args()
    findings = Path("artifacts") / "fuzz"
    findings.mkdir(parents=True, exist_ok=True)
    atheris.Setup(
        [sys.argv[0], f"-max_total_time={args.seconds}", f"-artifact_prefix={findings}/{args.target}-", *rest],
        TARGETS[args.target],
    )
    atheris.Fuzz()


if __name__ == "__main__":
    main()
