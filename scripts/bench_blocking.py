"""What the person blocking rules propose on a resolved store: candidate pairs per rule, and true pairs kept.

    python scripts/bench_blocking.py STORE [TRUTH_DIR] [--cap N] [--without TEXT]

Reads the store's ``person_features`` (written by ``toex resolve``), builds the
blocking keys as resolve does, and prints for each rule of the default
configuration the candidate pairs it adds (pairs an earlier rule already
proposed are counted once, as Splink does) and the largest block it joins on.
With the synthetic truth folder (``records.csv``), it also prints how many
true pairs (two records of one person) any rule proposes, and how many none
does: blocking's recall, the ceiling for every later step. Candidate pairs are
what resolve's person step pays for (each is scored by every comparison), so
this is the figure to watch when the data grows. ``--cap`` tries another block
cap (``features.BLOCK_CAP``); ``--without TEXT`` drops the rules containing TEXT.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import duckdb

from toex.errors import StoreError
from toex.resolve.config import blocking_rules
from toex.resolve.features import load_variants, match_sql
from toex.store.store import open_store


def _rule_pairs(con: duckdb.DuckDBPyConnection, rule: str, earlier: list[str]) -> int:
    exclude = "".join(f" AND NOT coalesce(({e}), FALSE)" for e in earlier)
    return int(con.execute(f"SELECT count(*) FROM m l JOIN m r ON l.unique_id < r.unique_id AND ({rule}){exclude}")
               .fetchone()[0])  # type: ignore[index]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("truth", type=Path, nargs="?", help="synthetic truth folder (records.csv)")
    parser.add_argument("--cap", type=int, default=None, help="block cap (default: toex's)")
    parser.add_argument("--without", action="append", default=[], help="drop the rules containing this text")
    args = parser.parse_args()
    rules = blocking_rules() if args.cap is None else blocking_rules(args.cap)
    rules = tuple(rule for rule in rules if not any(text in rule for text in args.without))
    try:
        store = open_store(args.store, read_only=True)  # temp tables only
    except StoreError:  # an older store: migrated first
        open_store(args.store).close()
        store = open_store(args.store, read_only=True)
    load_variants(store)
    con = store.con
    con.execute(f"CREATE TEMP TABLE m AS {match_sql()}")
    records = int(con.execute("SELECT count(*) FROM m").fetchone()[0])  # type: ignore[index]
    print(f"{records:,} person records in {args.store}")
    total = 0
    print(f"{'candidate pairs':>16} {'seconds':>8}  rule")
    for i, rule in enumerate(rules):
        started = time.perf_counter()
        n = _rule_pairs(con, rule, list(rules[:i]))
        total += n
        print(f"{n:>16,} {time.perf_counter() - started:>8.1f}  {rule}")
    print(f"{total:>16,}           all rules ({total / max(records, 1):.1f} per record)")
    if args.truth:
        con.execute(f"""CREATE TEMP TABLE t AS SELECT m.unique_id, r.entity_id
            FROM read_csv('{args.truth / "records.csv"}', all_varchar = true) r
            JOIN m ON m.source_id = r.source AND m.ref = r.ref WHERE r.kind = 'person'""")
        any_rule = " OR ".join(f"coalesce(({rule}), FALSE)" for rule in rules)
        row = con.execute(f"""
            SELECT count(*), count(*) FILTER (WHERE {any_rule})
            FROM t a JOIN t b ON a.entity_id = b.entity_id AND a.unique_id < b.unique_id
            JOIN m l ON l.unique_id = a.unique_id JOIN m r ON r.unique_id = b.unique_id""").fetchone()
        assert row is not None
        pairs, blocked = int(row[0]), int(row[1])
        print(f"true pairs: {pairs:,}; proposed by a rule {blocked:,} ({blocked / max(pairs, 1):.2%}); "
              f"by none {pairs - blocked:,}")


if __name__ == "__main__":
    main()
