"""``toex resolve``: every person, location, object and organisation record into entities.

Order: person features -> model (stored, or trained unsupervised) -> scored
pairs -> constrained clustering -> places, objects, organisations by key ->
stable ids -> all output tables replaced in one transaction, with an audit
``combination`` entry. The Splink work tables are dropped at the end.
"""

from __future__ import annotations

import contextlib
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from splink.internals.database_api import DatabaseAPI

from toex.resolve import db, features, ids, objects, organisations, people, places
from toex.resolve.cluster import CLUSTERS, CUTS, PAIRS, cluster
from toex.resolve.comparisons import contradiction_sql
from toex.resolve.config import ResolveConfig
from toex.resolve.pairs import build_pairs
from toex.store import Store, audit

Progress = Callable[[str], None]
KINDS: tuple[str, ...] = ("person", "location", "object", "organisation")


@dataclass
class ResolveSummary:
    """What a run did, as printed by ``toex resolve`` and stored in ``resolve_runs``."""

    run_id: str
    model_id: str | None
    trained: bool
    records: dict[str, int] = field(default_factory=dict)
    entities: dict[str, int] = field(default_factory=dict)
    pairs_scored: int = 0
    pairs_above: int = 0
    pairs_near: int = 0
    pairs_cut: int = 0
    contradictions: int = 0
    decisions_applied: int = 0
    large_entities: int = 0
    review_items: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def latest_model(store: Store) -> tuple[str, dict[str, Any]] | None:
    """The newest stored person model, if any."""
    row = db.row(store, "SELECT model_id, CAST(settings AS VARCHAR) FROM resolve_models ORDER BY created_at DESC LIMIT 1")
    return None if row is None else (str(row[0]), json.loads(row[1]))


def _model(store: Store, backend: DatabaseAPI[Any], config: ResolveConfig, retrain: bool,
           n: int) -> tuple[str, dict[str, Any], bool]:
    found = None if retrain else latest_model(store)
    if found is not None:
        return found[0], found[1], False
    model = people.train(backend, config)
    model_id = "M-" + datetime.now(UTC).strftime("%Y%m%d%H%M%S") + "-" + uuid.uuid4().hex[:6]
    store.execute("INSERT INTO resolve_models VALUES (?, now(), ?, ?)", [model_id, n, people.model_json(model)])
    return model_id, model, True


def _person_clusters(store: Store) -> None:
    """All person records with a cluster; records with no name are alone."""
    store.execute(f"""
        CREATE OR REPLACE TEMP TABLE __rs_clusters_person AS
        SELECT f.source_id, f.ref, c.cluster FROM {CLUSTERS} c JOIN {features.FEATURES} f USING (unique_id)
        UNION ALL
        SELECT p.source_id, p.ref, 'n:' || p.source_id || chr(1) || p.ref FROM persons p
        ANTI JOIN {features.FEATURES} f USING (source_id, ref)""")


def _score_people(store: Store, backend: DatabaseAPI[Any], config: ResolveConfig, retrain: bool,
                  summary: ResolveSummary, step: Progress) -> None:
    step("person features")
    n = features.build_features(store)
    if n >= 2:
        step("person model" + (" (training)" if retrain or latest_model(store) is None else ""))
        with people.quiet_splink():
            summary.model_id, model, summary.trained = _model(store, backend, config, retrain, n)
            step("scoring person pairs")
            predictions = people.predict(backend, model, config)
        for sql in build_pairs(predictions):
            store.execute(sql)
    else:
        store.execute(f"""CREATE OR REPLACE TEMP TABLE {PAIRS} (uid_l BIGINT, uid_r BIGINT, match_weight DOUBLE,
            match_probability DOUBLE, contradiction VARCHAR, explanation VARCHAR, decision VARCHAR)""")
    step("clustering people")
    cluster(store, config, contradiction_sql())
    _person_clusters(store)


def resolve(store: Store, config: ResolveConfig | None = None, *, retrain: bool = False,
            actor: str = "toex", progress: Progress | None = None,
            backend: DatabaseAPI[Any] | None = None) -> ResolveSummary:
    """Resolve every record in the store into entities; replace the output tables in one transaction."""
    config = config or ResolveConfig()
    step = progress or (lambda _message: None)
    summary = ResolveSummary(run_id="R-" + uuid.uuid4().hex[:12], model_id=None, trained=False)
    started = datetime.now(UTC).replace(tzinfo=None)
    clock = time.perf_counter()
    backend = backend or people.duckdb_backend(store)
    try:
        _score_people(store, backend, config, retrain, summary, step)
        summary.seconds["people"] = round(time.perf_counter() - clock, 2)
        step("places, objects, organisations")
        places.load_postcodes(store)
        places.cluster_locations(store)
        objects.cluster_objects(store)
        organisations.cluster_organisations(store)
        step("entity ids")
        last = {kind: ids.assign(store, kind, f"__rs_clusters_{kind}") for kind in KINDS}
        step("writing entities")
        with store.transaction():
            _write(store, config, last)
            _summarise(store, config, summary)
            summary.seconds["total"] = round(time.perf_counter() - clock, 2)
            store.execute("INSERT INTO resolve_runs VALUES (?, ?, now(), ?, ?, ?, ?, ?)", [
                summary.run_id, started, actor, summary.model_id, summary.trained,
                config.model_dump_json(), json.dumps(asdict(summary))])
            audit.record(store, actor, "combination", "entities", {
                "run_id": summary.run_id, "model_id": summary.model_id, "trained": summary.trained,
                "records": summary.records, "entities": summary.entities, "threshold": config.threshold})
    finally:
        _cleanup(store, backend)
    return summary


def _write(store: Store, config: ResolveConfig, last: dict[str, int]) -> None:
    from toex.resolve import writer

    for sql in writer.output_sql(config):
        store.execute(sql)
    for kind, value in last.items():
        store.execute("INSERT INTO resolve_id_sequences VALUES (?, ?) ON CONFLICT (prefix) DO UPDATE SET last = excluded.last",
                      [ids.PREFIXES[kind], value])


def _summarise(store: Store, config: ResolveConfig, summary: ResolveSummary) -> None:
    for kind in KINDS:
        summary.records[kind] = int(db.value(store, "SELECT count(*) FROM entity_records WHERE kind = ?", [kind]))
        summary.entities[kind] = int(db.value(store, "SELECT count(*) FROM entities WHERE kind = ?", [kind]))
    summary.pairs_scored = int(db.value(store, f"SELECT count(*) FROM {PAIRS} WHERE match_weight IS NOT NULL"))
    summary.pairs_above = int(db.value(store, f"SELECT count(*) FROM {PAIRS} WHERE match_probability >= ?", [config.threshold]))
    summary.pairs_near = int(db.value(store,
        f"SELECT count(*) FROM {PAIRS} WHERE match_probability >= ? AND match_probability < ?",
        [config.review_floor, config.threshold]))
    summary.pairs_cut = int(db.value(store, f"SELECT count(*) FROM {CUTS}"))
    summary.contradictions = int(db.value(store,
        f"SELECT count(*) FROM {PAIRS} WHERE contradiction IS NOT NULL AND match_probability >= ?", [config.threshold]))
    summary.decisions_applied = int(db.value(store, f"SELECT count(*) FROM {PAIRS} WHERE decision IS NOT NULL"))
    summary.large_entities = int(db.value(store, "SELECT count(*) FROM person_entities WHERE flagged IS NOT NULL"))
    summary.review_items = int(db.value(store, "SELECT count(*) FROM review_queue"))


def _cleanup(store: Store, backend: DatabaseAPI[Any]) -> None:
    with contextlib.suppress(Exception):  # cleanup must not hide the run's own error
        people.drop_work_tables(backend)
    temps = store.fetchall(
        "SELECT table_name FROM duckdb_tables() WHERE temporary AND table_name LIKE '\\_\\_rs\\_%' ESCAPE '\\'")
    for (name,) in temps:
        store.execute(f'DROP TABLE IF EXISTS "{name}"')
