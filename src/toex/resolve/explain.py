"""``toex explain``: why two person records are (or are not) one person.

For any two records — linked or not, scored or not — the stored model scores
the pair afresh: the prior, then each comparison's level and its contribution
to the match weight (term-frequency adjustment included), the total weight and
probability, any contradiction, the analyst's decision and the entities the
records are in now.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

from toex.errors import ToexError
from toex.resolve import db, people
from toex.resolve.comparisons import (
    REFUSE_ALL,
    all_comparisons,
    contradiction_sql,
    gamma_sql,
    label_sql,
)
from toex.resolve.features import FEATURES
from toex.resolve.review import RecordRef, decision_for, require_person
from toex.resolve.run import latest_model
from toex.store import Store


class ExplainError(ToexError):
    """The pair cannot be explained (no model yet, a record without a name)."""


@dataclass(frozen=True, slots=True)
class Contribution:
    """One comparison's part in a pair's match weight."""

    comparison: str
    level: str
    weight: float
    left: str
    right: str


@dataclass
class Explanation:
    """Everything ``toex explain`` shows for two records."""

    left: RecordRef
    right: RecordRef
    prior_weight: float
    match_weight: float
    match_probability: float
    contributions: list[Contribution] = field(default_factory=list)
    contradiction: str | None = None
    allowed: str | None = None  # a contradiction the latest run did not refuse (``toex resolve --allow``)
    decision: tuple[str, str, Any, str | None] | None = None
    entity_left: str | None = None
    entity_right: str | None = None
    model_id: str | None = None

    @property
    def same_entity(self) -> bool:
        return self.entity_left is not None and self.entity_left == self.entity_right


_SHOWN: dict[str, str] = {
    "forenames": "fn", "surname": "sn", "dob": "coalesce(CAST(dob AS VARCHAR), CAST(dob_year AS VARCHAR) || "
    "coalesce('-' || lpad(CAST(dob_month AS VARCHAR), 2, '0'), ''))", "sex": "sex", "pnc": "pnc",
    "document": "array_to_string(documents, ' ')", "phone": "array_to_string(phones, ' ')",
    "address": "concat_ws(' ', NULLIF(array_to_string(list_distinct(buildings || streets), ' '), ''), "
               "'(events at: ' || NULLIF(array_to_string(event_places, ' '), '') || ')')",
}


def _feature_row(store: Store, record: RecordRef) -> dict[str, Any]:
    cur = store.execute(f"SELECT * FROM {FEATURES} WHERE source_id = ? AND ref = ?", [record.source_id, record.ref])
    rows = cur.fetchall()
    if not rows:
        raise ExplainError(f"{record}: this record has no name, so it is not matched (it is an entity on its own); "
                           "or the store has not been resolved since it was loaded: run 'toex resolve'")
    return dict(zip([d[0] for d in cur.description], rows[0], strict=True))


def _refused(store: Store) -> tuple[str, ...]:
    """The contradictions the latest resolve run refused links for (``ResolveConfig.refuse``)."""
    row = db.row(store, "SELECT CAST(config AS VARCHAR) FROM resolve_runs ORDER BY started_at DESC LIMIT 1")
    config = json.loads(row[0] or "{}") if row is not None else {}
    return tuple(config.get("refuse", REFUSE_ALL))


def _levels(store: Store, left: RecordRef, right: RecordRef) -> tuple[dict[str, tuple[str, str, str]], str | None,
                                                                       str | None]:
    """Each comparison's level label and the two values compared; the contradiction (of those the latest run
    refused links for) if any; and a contradiction the latest run allowed (left to the weights), if any."""
    shown = ", ".join(f"{expr} AS shown_{name}" for name, expr in _SHOWN.items())
    cols = ", ".join(f"{label_sql(c, gamma_sql(c))}, CAST(l.shown_{c.name} AS VARCHAR), CAST(r.shown_{c.name} AS VARCHAR)"
                     for c in all_comparisons())
    row = db.row(store, f"""
        WITH l AS (SELECT *, {shown} FROM {FEATURES} WHERE source_id = ? AND ref = ?),
             r AS (SELECT *, {shown} FROM {FEATURES} WHERE source_id = ? AND ref = ?)
        SELECT {cols}, {contradiction_sql(refuse=_refused(store))}, {contradiction_sql()} FROM l, r""",
        [left.source_id, left.ref, right.source_id, right.ref])
    if row is None:
        raise ExplainError(f"{left} or {right}: no features; run 'toex resolve'")
    out: dict[str, tuple[str, str, str]] = {}
    for i, comp in enumerate(all_comparisons()):
        out[comp.name] = (str(row[3 * i]), str(row[3 * i + 1] or ""), str(row[3 * i + 2] or ""))
    refused, any_reason = row[-2], row[-1]
    allowed = str(any_reason) if refused is None and any_reason is not None else None
    return out, None if refused is None else str(refused), allowed


def explain(store: Store, left: RecordRef, right: RecordRef) -> Explanation:
    """Score and explain two person records with the stored model."""
    for record in (left, right):
        require_person(store, record)
    found = latest_model(store)
    if found is None:
        raise ExplainError("no person model yet: run 'toex resolve' first")
    model_id, model = found
    rows = [_feature_row(store, left), _feature_row(store, right)]
    backend = people.duckdb_backend(store)
    try:
        with people.quiet_splink():
            # blocking keys are not features: score the pair with the comparisons only
            linker = people.make_linker(backend, {**model, "blocking_rules_to_generate_predictions": []})
            scored = linker.inference.score_pairs([rows[0]], [rows[1]]).as_record_list()[0]
    finally:
        people.drop_work_tables(backend)
    levels, contradiction, allowed = _levels(store, left, right)
    contributions = []
    for comp in all_comparisons():
        weight = float(scored.get(f"mw_{comp.name}") or 0.0) + float(scored.get(f"mw_tf_adj_{comp.name}") or 0.0)
        label, lv, rv = levels[comp.name]
        contributions.append(Contribution(comp.name, label, weight, lv, rv))
    prior = float(model.get("probability_two_random_records_match", 1e-4))
    ent = dict(store.fetchall(
        "SELECT source_id || ':' || ref, entity_id FROM entity_records WHERE kind = 'person' AND "
        "((source_id = ? AND ref = ?) OR (source_id = ? AND ref = ?))",
        [left.source_id, left.ref, right.source_id, right.ref]))
    return Explanation(
        left=left, right=right, prior_weight=math.log2(prior / (1 - prior)),
        match_weight=float(scored["match_weight"]), match_probability=float(scored["match_probability"]),
        contributions=contributions, contradiction=contradiction, allowed=allowed,
        decision=decision_for(store, left, right),
        entity_left=ent.get(str(left)), entity_right=ent.get(str(right)), model_id=model_id,
    )
