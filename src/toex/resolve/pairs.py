"""Scored person pairs: Splink's predictions joined back to the features, with each
comparison's level, the contradictions and the analyst decisions."""

from __future__ import annotations

from toex.resolve.cluster import PAIRS
from toex.resolve.comparisons import (
    REFUSE_ALL,
    all_comparisons,
    contradiction_from_gammas,
    label_sql,
    names_only_from_explanation,
    names_only_from_gammas,
)
from toex.resolve.features import FEATURES


def parse_explanation(text: str | None) -> list[tuple[str, str, float | None]]:
    """A stored explanation (:func:`_explanation_sql`: ``name: level (+w.ww); ...``) as (comparison, level, weight)
    rows. A level's label may hold parentheses of its own ('name variant (nickname, ...)'): the weight is the last."""
    rows: list[tuple[str, str, float | None]] = []
    for part in (text or "").split("; "):
        name, sep, rest = part.strip().partition(": ")
        if not sep:
            continue
        level, _, weight = rest.rpartition(" (")
        try:
            rows.append((name, level, float(weight.rstrip(")"))))
        except ValueError:
            rows.append((name, rest, None))
    return rows


def _explanation_sql() -> str:
    parts = []
    for comp in all_comparisons():
        weight = f"coalesce(p.mw_{comp.name}, 0) + coalesce(p.mw_tf_adj_{comp.name}, 0)" if any(
            level.tf for level in comp.levels) else f"coalesce(p.mw_{comp.name}, 0)"
        parts.append(f"printf('{comp.name}: %s (%+.2f)', {label_sql(comp, 'p.gamma_' + comp.name)}, {weight})")
    return " || '; ' || ".join(parts)


def _reused_sql(known_upto: int) -> str:
    """The previous run's scored pairs (``person_match_pairs``) between records numbered up to ``known_upto``
    (records of the previous run), as they were scored: an incremental run does not score them again."""
    return f"""
        SELECT least(l.unique_id, r.unique_id) AS uid_l, greatest(l.unique_id, r.unique_id) AS uid_r,
               m.match_weight, m.match_probability, NULLIF(m.contradiction, 'analyst: different') AS contradiction,
               {names_only_from_explanation('m.explanation')} AS names_only, m.explanation
        FROM person_match_pairs m
        JOIN {FEATURES} l ON l.source_id = m.source_id_l AND l.ref = m.ref_l
        JOIN {FEATURES} r ON r.source_id = m.source_id_r AND r.ref = m.ref_r
        WHERE m.match_weight IS NOT NULL AND l.unique_id <= {known_upto} AND r.unique_id <= {known_upto}"""


def build_pairs(predictions: str | None, known_upto: int | None = None,
                refuse: tuple[str, ...] = REFUSE_ALL, shift: float = 0.0, keep_floor: float = 0.0) -> list[str]:
    """SQL statements creating ``__rs_pairs`` from the Splink predictions table (its comparison vectors and
    match weights are read as they are: no pair is compared twice), plus with ``known_upto`` the reused pairs
    of the previous run (:func:`_reused_sql`). ``refuse``: the contradictions that refuse a link
    (``ResolveConfig.refuse``). ``shift`` is added to every prediction's match weight (the prior re-estimated after
    the predictions were made, :func:`toex.resolve.people.refit_prior`), and predictions it takes under
    ``keep_floor`` are dropped."""
    parts = []
    weight, probability, kept = "p.match_weight", "p.match_probability", ""
    if shift:
        weight = f"(p.match_weight + {shift!r})"
        probability = f"1.0 / (1.0 + pow(2.0, -{weight}))"
        kept = f" WHERE {probability} >= {keep_floor!r}"
    if predictions is not None:
        parts.append(f"""
                SELECT p.unique_id_l AS uid_l, p.unique_id_r AS uid_r, {weight} AS match_weight,
                       {probability} AS match_probability, {contradiction_from_gammas('p.', refuse)} AS contradiction,
                       {names_only_from_gammas('p.')} AS names_only, {_explanation_sql()} AS explanation
                FROM {predictions} p{kept}""")
    if known_upto is not None:
        parts.append(_reused_sql(known_upto))
    if not parts:
        parts.append("SELECT NULL::BIGINT AS uid_l, NULL::BIGINT AS uid_r, NULL::DOUBLE AS match_weight, "
                     "NULL::DOUBLE AS match_probability, NULL::VARCHAR AS contradiction, NULL::BOOLEAN AS names_only, "
                     "NULL::VARCHAR AS explanation WHERE FALSE")
    scored = " UNION ALL ".join(parts)
    return [
        f"""CREATE OR REPLACE TEMP TABLE {PAIRS} AS
            WITH decided AS (
                SELECT source_id_l AS sa, ref_l AS ra, source_id_r AS sb, ref_r AS rb, arg_max(decision, decided_at) AS decision
                FROM review_decisions GROUP BY ALL
            ), scored AS ({scored}
            ), decisions AS (
                SELECT l.unique_id AS uid_l, r.unique_id AS uid_r, d.decision
                FROM decided d JOIN {FEATURES} l ON l.source_id = d.sa AND l.ref = d.ra
                JOIN {FEATURES} r ON r.source_id = d.sb AND r.ref = d.rb
            ), decisions_ordered AS (
                SELECT least(uid_l, uid_r) AS uid_l, greatest(uid_l, uid_r) AS uid_r, decision FROM decisions
            )
            SELECT coalesce(s.uid_l, d.uid_l) AS uid_l, coalesce(s.uid_r, d.uid_r) AS uid_r,
                   s.match_weight, coalesce(s.match_probability, 0.0) AS match_probability,
                   s.contradiction, coalesce(s.names_only, FALSE) AS names_only, s.explanation, d.decision
            FROM scored s FULL JOIN decisions_ordered d
              ON least(s.uid_l, s.uid_r) = d.uid_l AND greatest(s.uid_l, s.uid_r) = d.uid_r""",
    ]
