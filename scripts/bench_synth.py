"""Benchmark ``toex synth``: wall and CPU time, records per second and peak memory for
small and medium (and national with --national), with the machine's load average
(other jobs on a shared machine inflate wall time, not CPU time).
Usage: python scripts/bench_synth.py [--national] [--out DIR]"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

from toex.synth import generate


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--national", action="store_true", help="also run the national scale")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    scales = ["small", "medium"] + (["national"] if args.national else [])
    root = args.out or Path(tempfile.mkdtemp(prefix="bench-synth-"))
    for scale in scales:
        out = root / scale
        shutil.rmtree(out, ignore_errors=True)
        t, cpu = time.perf_counter(), time.process_time()
        s = generate(out, scale=scale, seed=1)
        secs, cpu = time.perf_counter() - t, time.process_time() - cpu
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{scale:9s} {s.total_records:>11,d} records  {s.records['persons']:>9,d} persons  "
              f"{s.records['events']:>9,d} events  {secs:7.1f} s  (CPU {cpu:.1f} s)  {s.total_records / secs:>10,.0f} records/s  "
              f"peak RSS {peak_mb:,.0f} MB  load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
