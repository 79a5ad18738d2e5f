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

from toex.engine import Engine, as_engine, record_audit
from toex.resolve import db, features, ids, objects, organisations, people, places
from toex.resolve.cluster import CLUSTERS, CUTS, PAIRS, cluster
from toex.resolve.comparisons import REFUSE_ALL, contradiction_sql
from toex.resolve.config import ResolveConfig
from toex.resolve.pairs import build_pairs
from toex.store import Store

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
    pairs_reused: int = 0
    incremental: bool = False
    records_new: int = 0
    pairs_above: int = 0
    pairs_near: int = 0
    pairs_cut: int = 0
    contradictions: int = 0
    decisions_applied: int = 0
    large_entities: int = 0
    review_items: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def latest_model(store: Engine | Store) -> tuple[str, dict[str, Any]] | None:
    """The newest stored person model, if any and if it has this version's comparisons (else a run trains afresh)."""
    row = db.row(store, "SELECT model_id, CAST(settings AS VARCHAR) FROM resolve_models ORDER BY created_at DESC LIMIT 1")
    if row is None:
        return None
    model: dict[str, Any] = json.loads(row[1])
    return (str(row[0]), model) if people.same_comparisons(model) else None


def _model(store: Engine, backend: DatabaseAPI[Any], config: ResolveConfig,
           retrain: bool) -> tuple[str, dict[str, Any], bool]:
    found = None if retrain else latest_model(store)
    if found is not None:
        return found[0], found[1], False
    model = people.train(backend, config)
    model_id = "M-" + datetime.now(UTC).strftime("%Y%m%d%H%M%S") + "-" + uuid.uuid4().hex[:6]
    return model_id, model, True  # stored by _refit_prior_and_store, with the prior its predictions give


def _person_clusters(store: Engine) -> None:
    """All person records with a cluster; records with no name are alone."""
    store.execute(f"""
        CREATE OR REPLACE TEMP TABLE __rs_clusters_person AS
        SELECT f.source_id, f.ref, c.cluster FROM {CLUSTERS} c JOIN {features.FEATURES} f USING (unique_id)
        UNION ALL
        SELECT p.source_id, p.ref, 'n:' || p.source_id || chr(1) || p.ref FROM persons p
        ANTI JOIN {features.FEATURES} f USING (source_id, ref)""")


def _incremental(store: Engine, config: ResolveConfig, retrain: bool) -> bool:
    """Whether the previous run's pair scores can be reused: the stored model is kept, the last run used it
    with the same blocking rules, keep floor and refused contradictions, and it resolved some person records."""
    found = None if retrain else latest_model(store)
    if found is None:
        return False
    last = db.row(store, "SELECT model_id, CAST(config AS VARCHAR) FROM resolve_runs ORDER BY started_at DESC LIMIT 1")
    if last is None or last[0] != found[0]:
        return False
    before = json.loads(last[1] or "{}")
    same = (tuple(before.get("blocking_rules", ())) == config.blocking_rules
            and before.get("keep_floor") == config.keep_floor
            and tuple(before.get("refuse", REFUSE_ALL)) == config.refuse)  # reused pairs keep their contradiction
    return same and bool(db.value(store, "SELECT count(*) > 0 FROM entity_records WHERE kind = 'person'"))


def _refit_prior_and_store(store: Engine, predictions: str, model: dict[str, Any], model_id: str | None, records: int) -> float:
    """Re-estimate the prior of a model trained this run from its own predictions (:func:`people.refit_prior`),
    store the model with it, and return what it adds to every prediction's match weight."""
    old = float(model["probability_two_random_records_match"])
    weights = store.fetch_arrow(f"SELECT match_weight FROM {predictions}").column(0).to_numpy(zero_copy_only=False)
    new = people.refit_prior(weights, records, old)
    model["probability_two_random_records_match"] = new
    store.execute("INSERT INTO resolve_models VALUES (?, now(), ?, ?)", [model_id, records, people.model_json(model)])
    return people.prior_shift(old, new)


def _score_people(store: Engine, backend: DatabaseAPI[Any], config: ResolveConfig, retrain: bool,
                  summary: ResolveSummary, step: Progress, incremental: bool) -> None:
    step("person features")
    reuse = incremental and _incremental(store, config, retrain)
    n = features.build_features(store, known=reuse)
    known_upto: int | None = None
    if reuse:
        known_upto = int(db.value(store, f"""
            SELECT coalesce(max(f.unique_id), 0) FROM {features.FEATURES} f
            SEMI JOIN entity_records e ON e.kind = 'person' AND e.source_id = f.source_id AND e.ref = f.ref"""))
        summary.incremental = True
        summary.records_new = int(db.value(store, f"SELECT count(*) FROM {features.FEATURES} WHERE unique_id > ?",
                                           [known_upto]))
    predictions: str | None = None
    shift = 0.0
    if n >= 2 and not (reuse and summary.records_new == 0):
        features.build_match_table(store)
        step("person model" + (" (training)" if retrain or latest_model(store) is None else ""))
        with people.quiet_splink():
            summary.model_id, model, summary.trained = _model(store, backend, config, retrain)
            step("scoring person pairs" + (f" ({summary.records_new:,} new records)" if reuse else ""))
            predictions = people.predict(backend, model, config, new_after=known_upto)
        if summary.trained:
            shift = _refit_prior_and_store(store, predictions, model, summary.model_id, n)
        summary.pairs_scored = int(db.value(store, f"SELECT count(*) FROM {predictions}"))
    elif reuse:
        found = latest_model(store)
        summary.model_id = None if found is None else found[0]
    for sql in build_pairs(predictions, known_upto, config.refuse, shift, config.keep_floor):
        store.execute(sql)
    if reuse:
        summary.pairs_reused = int(db.value(store, f"SELECT count(*) FROM {PAIRS} WHERE match_weight IS NOT NULL")) \
            - summary.pairs_scored
    step("clustering people")
    cluster(store, config, contradiction_sql(refuse=config.refuse))
    _person_clusters(store)


def resolve(target: Store | Engine, config: ResolveConfig | None = None, *, retrain: bool = False,
            actor: str = "toex", progress: Progress | None = None,
            backend: DatabaseAPI[Any] | None = None, incremental: bool = True) -> ResolveSummary:
    """Resolve every record in the store into entities; replace the output tables in one transaction.

    With ``incremental`` (the default) and the stored model kept, the pairs the previous run scored are
    reused and only pairs involving records new since that run are scored (then everything is clustered
    again); ``incremental=False`` or ``retrain=True`` scores every pair.

    Runs on the engine given (a DuckDB store, or a DuckDB or Spark :class:`~toex.engine.Engine`): resolve's
    SQL goes through the engine and Splink through the engine's own backend (``DuckDBAPI`` on the store's
    connection, ``SparkAPI`` on the engine's session)."""
    store = as_engine(target)
    config = config or ResolveConfig()
    step = progress or (lambda _message: None)
    summary = ResolveSummary(run_id="R-" + uuid.uuid4().hex[:12], model_id=None, trained=False)
    started = datetime.now(UTC).replace(tzinfo=None)
    clock = time.perf_counter()
    backend = backend or store.splink_backend()
    try:
        _score_people(store, backend, config, retrain, summary, step, incremental)
        summary.seconds["people"] = round(time.perf_counter() - clock, 2)
        step("places, objects, organisations")
        places.load_postcodes(store)
        places.cluster_locations(store)
        objects.cluster_objects(store)
        organisations.cluster_organisations(store)
        step("entity ids")
        last = {kind: ids.assign(store, kind, f"__rs_clusters_{kind}") for kind in KINDS}
        step("writing entities")
        _prepare(store, config)
        with store.transaction():
            _write(store, config, last)
            _summarise(store, config, summary)
            summary.seconds["total"] = round(time.perf_counter() - clock, 2)
            store.execute("INSERT INTO resolve_runs VALUES (?, ?, now(), ?, ?, ?, ?, ?)", [
                summary.run_id, started, actor, summary.model_id, summary.trained,
                config.model_dump_json(), json.dumps(asdict(summary))])
            record_audit(store, actor, "combination", "entities", {
                "run_id": summary.run_id, "model_id": summary.model_id, "trained": summary.trained,
                "records": summary.records, "entities": summary.entities, "threshold": config.threshold})
    finally:
        _cleanup(store, backend)
    return summary


def _prepare(store: Engine, config: ResolveConfig) -> None:
    from toex.resolve import writer

    for sql in writer.prepare_sql(config):
        store.execute(sql)


def _write(store: Engine, config: ResolveConfig, last: dict[str, int]) -> None:
    from toex.resolve import writer

    for sql in writer.output_sql(config):
        store.execute(sql)
    for kind, value in last.items():
        store.execute("INSERT INTO resolve_id_sequences VALUES (?, ?) ON CONFLICT (prefix) DO UPDATE SET last = excluded.last",
                      [ids.PREFIXES[kind], value])


def _summarise(store: Engine, config: ResolveConfig, summary: ResolveSummary) -> None:
    for kind in KINDS:
        summary.records[kind] = int(db.value(store, "SELECT count(*) FROM entity_records WHERE kind = ?", [kind]))
        summary.entities[kind] = int(db.value(store, "SELECT count(*) FROM entities WHERE kind = ?", [kind]))
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


#: The work tables a run creates (all temporary, dropped at its end).
WORK_TABLES: tuple[str, ...] = (
    features.MATCH, features.VARIANTS, PAIRS, CLUSTERS, CUTS, "__rs_components", "__rs_rank", "__rs_refined",
    "__rs_postcodes", "__rs_loc_parts", "__rs_org_parts", "__rs_kr", *(f"__rs_clusters_{kind}" for kind in KINDS),
    *(f"__rs_ids_{kind}" for kind in KINDS), *(f"__rs_entities_{kind}" for kind in KINDS))


def _cleanup(store: Engine, backend: DatabaseAPI[Any]) -> None:
    with contextlib.suppress(Exception):  # cleanup must not hide the run's own error
        people.drop_work_tables(backend)
    for name in WORK_TABLES:
        with contextlib.suppress(Exception):
            store.drop_table(name)
