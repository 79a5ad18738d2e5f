#!/usr/bin/env bash
# The national dataset end to end on the embedded store, each stage timed apart.
#
#   bash scripts/bench_national.sh [WORK_DIR] [SEED]      (default /tmp/toex-national, seed 1)
#
# Runs toex synth (national), ingest, resolve, analyse, assess, export and
# evaluate, each under /usr/bin/time -v, and prints wall time, peak RSS and the
# 1-minute load average per stage (WORK_DIR/stages.log); evaluation in
# WORK_DIR/eval.json. Needs about 12 GB of memory and 10 GB of disk.
set -euo pipefail
WORK=${1:-/tmp/toex-national}
SEED=${2:-1}
TOEX=${TOEX:-$(dirname "$0")/../.venv/bin/toex}
STORE=$WORK/national.duckdb
LOG=$WORK/stages.log
mkdir -p "$WORK"
echo "commit $(git -C "$(dirname "$0")" rev-parse --short HEAD)" > "$LOG"
run() {
  local name=$1; shift
  echo "== $name $(date -u +%T) load $(cut -d' ' -f1 /proc/loadavg)" | tee -a "$LOG"
  /usr/bin/time -v "$TOEX" "$@" > "$WORK/$name.log" 2> "$WORK/$name.time" || { echo "FAILED $name (see $WORK/$name.time)" | tee -a "$LOG"; exit 1; }
  grep -E "Elapsed|Maximum resident|User time|System time" "$WORK/$name.time" | tee -a "$LOG"
}
[ -d "$WORK/data/dataset" ] || run synth synth --scale national --seed "$SEED" --out "$WORK/data"
rm -f "$STORE"
run ingest ingest "$WORK/data/dataset" --store "$STORE"
run resolve resolve --store "$STORE"
run analyse analyse --store "$STORE"
run assess assess --store "$STORE"
run export export --out "$WORK/export" --store "$STORE"
run evaluate evaluate --truth "$WORK/data/truth" --json "$WORK/eval.json" --store "$STORE"
echo "== done $(date -u +%T)" | tee -a "$LOG"
