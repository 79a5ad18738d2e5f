"""`make bench`: every benchmark in turn, each printing its own figures.

The figures recorded in docs/benchmarks.md come from these scripts. Default
runs cover the small and medium scales; `--national` adds the national scale
where a script supports it (long: an hour or more on 2 cores). Each script can
also be run on its own (see its --help).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).parent


def run(title: str, args: list[str]) -> int:
    print(f"\n=== {title}: python {' '.join(args)}", flush=True)
    return subprocess.call([sys.executable, *args])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--national", action="store_true", help="also run the national scale where supported")
    parser.add_argument("--rl-python", default=None,
                        help="a Python interpreter with recordlinkage (its own venv: it needs pandas < 3)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="toex-bench-") as tmp:
        demo = Path(tmp) / "demo"
        steps: list[tuple[str, list[str]]] = [
            ("ingest", [str(HERE / "bench_ingest.py")]),
            ("synthetic data", [str(HERE / "bench_synth.py"), *(["--national"] if args.national else [])]),
            ("entity resolution", [str(HERE / "bench_resolve.py"), "--scale", "small", "--scale", "medium"]),
            ("graph and detection", [str(HERE / "bench_analyse.py"), "--scale", "small", "--seeds", "0", "1", "2"]),
            ("threat picture accuracy", [str(HERE / "bench_picture.py"), "--runs", "small:0,1,2", "medium:0"]),
            ("engines: ingest (DuckDB against Spark local)", [str(HERE / "bench_engines.py")]),
            ("engines: every later stage (DuckDB against Spark local)",
             [str(HERE / "bench_engines_stages.py"), "--scale", "tiny", "--scale", "small"]),
        ]
        if args.rl_python:
            steps.append(("recordlinkage on the synthetic data",
                          [str(HERE / "bench_resolve_rl.py"), "--rl-python", args.rl_python,
                           "--scale", "small", "--scale", "medium"]))
        else:
            print("recordlinkage is not benchmarked: give --rl-python (a venv with recordlinkage, pandas < 3)")
        failures = [title for title, cmd in steps if run(title, cmd) != 0]
        # the API benchmark needs a served store: the medium demo's
        if run("demo store for the API benchmark", ["-m", "toex.cli.main", "demo", "--scale", "medium",
                                                    "--dir", str(demo), "--no-serve"]) == 0:
            if run("API", [str(HERE / "bench_api.py"), "--store", str(demo / "toex.duckdb")]) != 0:
                failures.append("API")
        else:
            failures.append("demo store")
    if failures:
        print(f"\nbenchmarks that failed: {', '.join(failures)}")
        sys.exit(1)


if __name__ == "__main__":
    main()
