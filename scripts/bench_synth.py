"""Benchmark ``toex synth``: records per second and peak memory for small and medium
(and national with --national). Usage: python scripts/bench_synth.py [--national] [--out DIR]"""

from __future__ import annotations

import argparse
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
        t = time.perf_counter()
        s = generate(out, scale=scale, seed=1)
        secs = time.perf_counter() - t
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{scale:9s} {s.total_records:>11,d} records  {s.records['persons']:>9,d} persons  "
              f"{s.records['events']:>9,d} events  {secs:7.1f} s  {s.total_records / secs:>10,.0f} records/s  "
              f"peak RSS {peak_mb:,.0f} MB")


if __name__ == "__main__":
    main()
