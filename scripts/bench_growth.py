"""How each stage's cost grows with the data: runs of scripts/bench_national.sh at several scales, side by side.

    bash scripts/bench_national.sh /tmp/toex-growth/small 1 small
    bash scripts/bench_national.sh /tmp/toex-growth/medium 1 medium
    bash scripts/bench_national.sh /tmp/toex-growth/national 1 national
    python scripts/bench_growth.py /tmp/toex-growth/small /tmp/toex-growth/medium /tmp/toex-growth/national

Reads each run's ``stages.log`` (per stage: wall clock, user and system CPU
seconds, peak RSS, from ``/usr/bin/time -v``; and the rows ingested) and
prints, per stage and scale, CPU seconds, rows per CPU second and peak
memory, then the growth exponent between consecutive scales (and, in a second
table, wall seconds and rows per wall second),
``k = log(cost ratio) / log(rows ratio)``: 1 is linear. The bound the stages
are held to is n log n, whose exponent over the same step is
``1 + log(log n2 / log n1) / log(n2 / n1)`` (a little above 1). CPU time is
used rather than wall time because the machine is shared: wall time under
load measures the other jobs too.
"""

from __future__ import annotations

import argparse
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

STAGES = ("ingest", "resolve", "analyse", "assess", "export")


@dataclass
class Run:
    """One run of bench_national.sh."""

    folder: Path
    header: str = ""
    rows: int = 0
    cpu: dict[str, float] = field(default_factory=dict)
    wall: dict[str, float] = field(default_factory=dict)
    peak_gb: dict[str, float] = field(default_factory=dict)


def _clock(text: str) -> float:
    """'1:02:03' or '5:03.51' as seconds."""
    seconds = 0.0
    for part in text.strip().split(":"):
        seconds = seconds * 60 + float(part)
    return seconds


def read_run(folder: Path) -> Run:
    """A run's figures from its stages.log."""
    run = Run(folder)
    stage = None
    for line in (folder / "stages.log").read_text().splitlines():
        if line.startswith("commit "):
            run.header = line
        elif line.startswith("rows "):
            run.rows = int(line.split()[1])
        elif line.startswith("== "):
            stage = line.split()[1]
        elif stage and "Elapsed (wall clock)" in line:
            run.wall[stage] = _clock(line.rsplit(": ", 1)[1])
        elif stage and ("User time" in line or "System time" in line):
            run.cpu[stage] = run.cpu.get(stage, 0.0) + float(line.rsplit(": ", 1)[1])
        elif stage and "Maximum resident" in line:
            run.peak_gb[stage] = int(line.rsplit(": ", 1)[1]) / 2**20
    if not run.rows:
        raise SystemExit(f"{folder}/stages.log has no 'rows' line: re-run scripts/bench_national.sh")
    return run


def nlogn_exponent(n1: int, n2: int) -> float:
    """The growth exponent of n log n from n1 to n2."""
    return 1 + math.log(math.log(n2) / math.log(n1)) / math.log(n2 / n1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("runs", nargs="+", type=Path, help="bench_national.sh work folders, smallest first")
    args = ap.parse_args()
    runs = sorted((read_run(f) for f in args.runs), key=lambda r: r.rows)
    for run in runs:
        print(f"- {run.folder}: {run.header}, {run.rows:,} rows")
    names = [re.sub(r".*scale (\S+).*", r"\1", r.header) or r.folder.name for r in runs]
    print("\n| stage | " + " | ".join(f"{n} CPU s (rows/CPU s, peak GB)" for n in names) + " | "
          + " | ".join(f"k {a}->{b} (n log n)" for a, b in zip(names, names[1:], strict=False)) + " |")
    print("|---|" + "---:|" * (2 * len(runs) - 1))
    for stage in STAGES:
        cells = []
        for run in runs:
            cpu = run.cpu.get(stage)
            cells.append("-" if cpu is None else f"{cpu:,.1f} ({run.rows / cpu:,.0f}, {run.peak_gb[stage]:.2f})")
        growth = []
        for a, b in zip(runs, runs[1:], strict=False):
            ca, cb = a.cpu.get(stage), b.cpu.get(stage)
            if ca is None or cb is None or ca <= 0:
                growth.append("-")
                continue
            k = math.log(cb / ca) / math.log(b.rows / a.rows)
            bound = nlogn_exponent(a.rows, b.rows)
            growth.append(f"{k:.2f} ({bound:.2f}){' over' if k > bound else ''}")
        print(f"| {stage} | " + " | ".join(cells) + " | " + " | ".join(growth) + " |")
    print("\nWall clock (shared machine: see each run's load in its stages.log), rows per wall second:\n")
    print("| stage | " + " | ".join(f"{n} wall s (rows/s)" for n in names) + " |")
    print("|---|" + "---:|" * len(runs))
    for stage in STAGES:
        walls = [run.wall.get(stage) for run in runs]
        print(f"| {stage} | " + " | ".join("-" if w is None else f"{w:,.1f} ({run.rows / w:,.0f})"
                                           for w, run in zip(walls, runs, strict=True)) + " |")


if __name__ == "__main__":
    main()
