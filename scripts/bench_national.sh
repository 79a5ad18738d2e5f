#!/usr/bin/env bash
# The national dataset end to end on the embedded store, each stage timed apart.
#
#   bash scripts/bench_national.sh [WORK_DIR] [SEED] [SCALE]   (default /tmp/toex-national, seed 1, national)
#
# SCALE may be any synth preset (small, medium...): scripts/bench_growth.py reads
# the stages.log of runs at several scales and prints how each stage's cost grows.
#
# Runs toex synth (at SCALE), ingest, resolve, analyse, assess, export and
# evaluate, each under /usr/bin/time -v, and prints wall time, peak RSS and the
# 1-minute load average per stage (WORK_DIR/stages.log); evaluation in
# WORK_DIR/eval.json. Needs about 12 GB of memory and 10 GB of disk.
set -euo pipefail
WORK=${1:-/tmp/toex-national}
SEED=${2:-1}
SCALE=${3:-national}
TOEX=${TOEX:-$(dirname "$0")/../.venv/bin/toex}
STORE=$WORK/$SCALE.duckdb
LOG=$WORK/stages.log
mkdir -p "$WORK"
echo "commit $(git -C "$(dirname "$0")" rev-parse --short HEAD) scale $SCALE seed $SEED" > "$LOG"
run() {
  local name=$1; shift
  echo "== $name $(date -u +%T) load $(cut -d' ' -f1 /proc/loadavg)" | tee -a "$LOG"
  /usr/bin/time -v "$TOEX" "$@" > "$WORK/$name.log" 2> "$WORK/$name.time" || { echo "FAILED $name (see $WORK/$name.time)" | tee -a "$LOG"; exit 1; }
  grep -E "Elapsed|Maximum resident|User time|System time" "$WORK/$name.time" | tee -a "$LOG"
}
[ -d "$WORK/data/dataset" ] || run synth synth --scale "$SCALE" --seed "$SEED" --out "$WORK/data"
rm -f "$STORE"
run ingest ingest "$WORK/data/dataset" --store "$STORE"
echo "rows $("$(dirname "$TOEX")/python" -c "import duckdb,sys; c=duckdb.connect(sys.argv[1], read_only=True); print(sum(c.execute(f'SELECT count(*) FROM {t}').fetchone()[0] for t in ('persons','locations','objects','organisations','events','links')))" "$STORE")" | tee -a "$LOG"
run resolve resolve --store "$STORE"
run analyse analyse --store "$STORE"
run assess assess --store "$STORE"
run export export --out "$WORK/export" --store "$STORE"
run evaluate evaluate --truth "$WORK/data/truth" --json "$WORK/eval.json" --store "$STORE"
echo "== done $(date -u +%T)" | tee -a "$LOG"
