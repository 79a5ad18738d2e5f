"""Scored person pairs: Splink's predictions joined back to the features, with each
comparison's level, the contradictions and the analyst decisions."""

from __future__ import annotations

from toex.resolve.cluster import PAIRS
from toex.resolve.comparisons import all_comparisons, contradiction_sql, gamma_sql, label_sql
from toex.resolve.features import FEATURES


def _explanation_sql() -> str:
    parts = []
    for comp in all_comparisons():
        weight = f"coalesce(p.mw_{comp.name}, 0) + coalesce(p.mw_tf_adj_{comp.name}, 0)" if any(
            level.tf for level in comp.levels) else f"coalesce(p.mw_{comp.name}, 0)"
        parts.append(f"printf('{comp.name}: %s (%+.2f)', {label_sql(comp, 'g_' + comp.name)}, {weight})")
    return " || '; ' || ".join(parts)


def build_pairs(predictions: str) -> list[str]:
    """SQL statements creating ``__rs_pairs`` from the Splink predictions table."""
    gammas = ", ".join(f"{gamma_sql(c)} AS g_{c.name}" for c in all_comparisons())
    return [
        f"""CREATE OR REPLACE TEMP TABLE __rs_scored AS
            SELECT p.*, {gammas}, {contradiction_sql()} AS contradiction
            FROM {predictions} p
            JOIN {FEATURES} l ON l.unique_id = p.unique_id_l JOIN {FEATURES} r ON r.unique_id = p.unique_id_r""",
        f"""CREATE OR REPLACE TEMP TABLE {PAIRS} AS
            WITH decided AS (
                SELECT source_id_l AS sa, ref_l AS ra, source_id_r AS sb, ref_r AS rb, arg_max(decision, decided_at) AS decision
                FROM review_decisions GROUP BY ALL
            ), scored AS (
                SELECT p.unique_id_l AS uid_l, p.unique_id_r AS uid_r,
                       p.match_weight, p.match_probability, p.contradiction, {_explanation_sql()} AS explanation
                FROM __rs_scored p
            ), decisions AS (
                SELECT l.unique_id AS uid_l, r.unique_id AS uid_r, d.decision
                FROM decided d JOIN {FEATURES} l ON l.source_id = d.sa AND l.ref = d.ra
                JOIN {FEATURES} r ON r.source_id = d.sb AND r.ref = d.rb
            ), decisions_ordered AS (
                SELECT least(uid_l, uid_r) AS uid_l, greatest(uid_l, uid_r) AS uid_r, decision FROM decisions
            )
            SELECT coalesce(s.uid_l, d.uid_l) AS uid_l, coalesce(s.uid_r, d.uid_r) AS uid_r,
                   s.match_weight, coalesce(s.match_probability, 0.0) AS match_probability,
                   s.contradiction, s.explanation, d.decision
            FROM scored s FULL JOIN decisions_ordered d
              ON least(s.uid_l, s.uid_r) = d.uid_l AND greatest(s.uid_l, s.uid_r) = d.uid_r""",
        "DROP TABLE __rs_scored",
    ]
