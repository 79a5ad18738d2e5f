"""Person linkage with Splink: Fellegi-Sunter, trained unsupervised, scored in the store's engine.

Every Splink call goes through a ``DatabaseAPI`` passed in (:func:`duckdb_backend`
makes the DuckDB one on the store's own connection), so a Spark engine passes
its own ``SparkAPI`` and the rest of the code path is unchanged.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
from splink import DuckDBAPI, Linker, SettingsCreator
from splink.internals.database_api import DatabaseAPI

from toex.resolve import dialect
from toex.resolve.comparisons import all_comparisons
from toex.resolve.config import ResolveConfig
from toex.resolve.features import FEATURES, MATCH
from toex.store import Store

#: Feature columns Splink carries into the scored pairs (besides the comparison vectors):
#: ``fn1`` lets the contradiction check read the two forenames without a second pass over the features.
_RETAIN = ("source_id", "ref", "fn1")


class TrainingError(ValueError):
    """The person model cannot be trained on these records."""


def duckdb_backend(store: Store) -> DatabaseAPI[Any]:
    """Splink's DuckDB backend on the store's own connection."""
    return DuckDBAPI(store.con)


@contextmanager
def quiet_splink() -> Iterator[None]:
    """Silence Splink's progress logging (toex prints its own summary)."""
    log = logging.getLogger("splink")
    before = log.level
    log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        log.setLevel(before)


def settings(config: ResolveConfig) -> dict[str, Any]:
    """A fresh (untrained) Splink settings dictionary for toex's person model."""
    creator = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[c.to_splink() for c in all_comparisons()],
        blocking_rules_to_generate_predictions=[{"blocking_rule": rule} for rule in config.blocking_rules],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=True,
        additional_columns_to_retain=list(_RETAIN),
        max_iterations=20,
    )
    return creator.create_settings_dict("duckdb")


def with_blocking(model: dict[str, Any], config: ResolveConfig, new_after: int | None = None) -> dict[str, Any]:
    """A stored model with this run's blocking rules (blocking is configuration, not a trained parameter).
    With ``new_after`` only pairs with a record numbered above it are blocked (Splink pairs l < r, so the
    right record is the newer one): an incremental run scores the new records only."""
    rules = [rule if new_after is None else f"({rule}) AND r.unique_id > {int(new_after)}" for rule in config.blocking_rules]
    out = dict(model)
    out["additional_columns_to_retain"] = list(_RETAIN)
    out["retain_intermediate_calculation_columns"] = True
    out["retain_matching_columns"] = True  # Splink writes the comparison vector (gamma_*) only with these
    out["blocking_rules_to_generate_predictions"] = [
        {"blocking_rule": rule, "sql_dialect": "duckdb"} for rule in rules
    ]
    return out


def make_linker(backend: DatabaseAPI[Any], model: dict[str, Any], table: str = FEATURES) -> Linker:
    """A Splink linker over the feature table in ``backend``."""
    frame = backend.register(table)
    return Linker(frame, dialect.for_backend(model, backend), log_level=None)


def train(backend: DatabaseAPI[Any], config: ResolveConfig) -> dict[str, Any]:
    """Train the model unsupervised (prior from deterministic rules, u by random sampling,
    m by expectation maximisation in two sessions); return the trained model."""
    untrained = settings(config)
    linker = make_linker(backend, untrained, MATCH)
    sql = dialect.backend_dialect(backend)
    training = linker.training
    training.estimate_probability_two_random_records_match(
        [dialect.condition(rule, sql) for rule in config.deterministic_rules], recall=config.deterministic_recall)
    training.estimate_u_using_random_sampling(max_pairs=config.u_max_pairs, seed=config.seed)
    rules = [rule for rule in config.em_rules if _has_pairs(backend, rule)]
    if len(rules) < len(config.em_rules) and _has_pairs(backend, config.em_fallback):
        rules.insert(0, config.em_fallback)  # e.g. no PNC ids at all: another session must teach the names
    if not rules:
        raise TrainingError(f"no record pairs to train the person model on: none of the training rules "
                            f"{[*config.em_rules, config.em_fallback]} finds a pair")
    for rule in rules:
        training.estimate_parameters_using_expectation_maximisation(dialect.condition(rule, sql),
                                                                     estimate_without_term_frequencies=True)
    model: dict[str, Any] = dialect.native(linker.misc.save_model_to_json(), untrained)
    return floor_unobserved(model, config.m_floor, 1 / config.u_max_pairs)


def _has_pairs(backend: DatabaseAPI[Any], rule: str) -> bool:
    """Whether a training rule finds at least one record pair (Splink's EM fails on a rule with none, and leaves
    the model without the rule's comparisons when it does)."""
    condition = dialect.condition(rule, dialect.backend_dialect(backend))
    sql = (f"SELECT count(*) AS n FROM (SELECT 1 FROM {MATCH} l JOIN {MATCH} r "
           f"ON l.unique_id < r.unique_id AND ({condition}) LIMIT 1) t")
    frame: Any = backend.query_sql(sql, output_type="pandas")
    return bool(int(frame["n"].iloc[0]))


def floor_unobserved(model: dict[str, Any], floor: float, u_unseen: float) -> dict[str, Any]:
    """Fill the probabilities training could not estimate.

    - A level never seen among the training matches (Splink leaves its m empty, which scores it as no evidence
      at all: a date of birth a year out would count for nothing) gets the small m ``floor``, so it counts
      against a match.
    - A level seen among the matches but never among the random pairs sampled for u (an identity document
      shared: no two random records in millions hold one) gets u = ``u_unseen``, one over the pairs sampled: the
      most its u can be for none to have turned up, so its weight is the least the data supports.
    - A level seen in neither gets u = m (no evidence either way)."""
    for comparison in model.get("comparisons", []):
        for level in comparison.get("comparison_levels", []):
            if level.get("is_null_level") or level.get("fix_m_probability"):
                continue
            m = level.get("m_probability")
            unseen_in_matches = m is None or m < floor
            if unseen_in_matches:
                level["m_probability"] = m = floor
            if level.get("u_probability") is None:
                level["u_probability"] = m if unseen_in_matches else min(u_unseen, m)
    return model


def _logit2(p: float) -> float:
    return math.log2(p / (1 - p))


def refit_prior(weights: np.ndarray, records: int, prior: float) -> float:
    """The probability that two random records match, re-estimated from a trained model's own scores.

    Training starts the prior from the pairs the deterministic rules find and an assumed recall
    (``ResolveConfig.deterministic_recall``): a guess, half the true prior on FEBRL4. With m and u held, an
    expectation-maximisation step sets the prior to the mean match probability over all ``records`` * (``records``
    - 1) / 2 record pairs, the pairs not scored (not blocked, or under the keep floor) counting as 0; the step is
    repeated to its fixed point. ``weights`` are the scored pairs' match weights at ``prior``. The result is kept
    between one expected match and 0.5, and rounded to four significant figures, so that engines whose sums differ
    in the last bits store and score alike."""
    pairs = records * (records - 1) / 2
    if pairs < 1 or weights.size == 0:
        return prior
    evidence = weights - _logit2(prior)
    current = prior
    for _ in range(100):
        probability = 1.0 / (1.0 + np.exp2(-(evidence + _logit2(current))))
        fitted = min(max(float(probability.sum()) / pairs, 1 / pairs), 0.5)
        converged = abs(fitted - current) <= 1e-6 * current
        current = fitted
        if converged:
            break
    return float(f"{current:.4g}")


def prior_shift(old: float, new: float) -> float:
    """What a change of prior adds to every pair's match weight (log2 of the ratio of the prior odds)."""
    return _logit2(new) - _logit2(old)


def predict(backend: DatabaseAPI[Any], model: dict[str, Any], config: ResolveConfig,
            new_after: int | None = None) -> str:
    """Score every blocked pair (or, with ``new_after``, every pair with a record numbered above it);
    return the name of the table of scored pairs."""
    linker = make_linker(backend, with_blocking(model, config, new_after), MATCH)
    scored = linker.inference.predict(threshold_match_probability=config.keep_floor, warning_mode="never")
    return str(scored.physical_name)


def drop_work_tables(backend: DatabaseAPI[Any]) -> None:
    """Drop the tables Splink created for this backend."""
    backend.delete_tables_created_by_splink_from_db()  # type: ignore[no-untyped-call]


def _comparison_signature(model: dict[str, Any]) -> list[tuple[str, list[tuple[str, str, str]]]]:
    return [(str(c.get("output_column_name")),
             [(str(level.get("sql_condition")), str(level.get("label_for_charts")),
               str(level.get("disable_tf_exact_match_detection", False))) for level in c.get("comparison_levels", [])])
            for c in model.get("comparisons", [])]


def same_comparisons(model: dict[str, Any]) -> bool:
    """Whether a stored model has this version's comparisons (levels, their SQL and how their term-frequency
    adjustment is based): a model trained with other comparisons cannot be read with this version's level labels
    and contradictions, so it is trained afresh."""
    return _comparison_signature(model) == _comparison_signature(settings(ResolveConfig()))


def model_json(model: dict[str, Any]) -> str:
    """A model as stored in ``resolve_models``."""
    return json.dumps(model, sort_keys=True)
