"""Constrained clustering on hand-made links (no store): weak bridges are cut, contradictions kept apart, and a
component whose every pair is linked skips the merge loop with the same result; and the prior refit from a
model's own scores."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from toex.resolve.cluster import _refine, _without_cliques
from toex.resolve.config import ResolveConfig
from toex.resolve.people import prior_shift, refit_prior

CONFIG = ResolveConfig()

#: (component, uid_l, uid_r, match probability): component 1 is a clique of three; component 2 two strong pairs
#: joined by one weak bridge; component 3 a clique of three with a contradiction (records 30 and 32).
LINKS = [
    (1, 10, 11, 0.99), (1, 10, 12, 0.97), (1, 11, 12, 0.9),
    (2, 20, 21, 0.99999), (2, 22, 23, 0.99999), (2, 21, 22, 0.6),
    (3, 30, 31, 0.99), (3, 31, 32, 0.98), (3, 30, 32, 0.95),
]


def _frames() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    edges = pd.DataFrame(LINKS, columns=["component", "uid_l", "uid_r", "match_probability"])
    edges["must"] = False
    edges["rank_a"], edges["rank_b"] = edges["uid_l"], edges["uid_r"]
    members = sorted({(c, u) for c, a, b, _ in LINKS for u in (a, b)}, key=lambda x: x[1])
    big = pd.DataFrame({"unique_id": [u for _, u in members], "component": [c for c, _ in members]})
    conflicts = pd.DataFrame({"uid_l": [30], "uid_r": [32]})
    return big, edges, conflicts


def _partition(roots: dict[int, int]) -> set[frozenset[int]]:
    groups: dict[int, set[int]] = {}
    for uid, root in roots.items():
        groups.setdefault(root, set()).add(uid)
    return {frozenset(g) for g in groups.values()}


def test_weak_bridges_are_cut_and_contradictions_kept_apart() -> None:
    big, edges, conflicts = _frames()
    roots, cuts = _refine(big, edges, conflicts, CONFIG)
    assert _partition(roots) == {frozenset({10, 11, 12}), frozenset({20, 21}), frozenset({22, 23}),
                                 frozenset({30, 31}), frozenset({32})}
    assert {(a, b) for a, b, _ in cuts} == {(21, 22), (31, 32), (30, 32)}
    assert any(why.startswith("weak bridge") for *_, why in cuts)


def test_only_uncontradicted_cliques_skip_the_merge_loop() -> None:
    big, edges, conflicts = _frames()
    rest, rest_edges = _without_cliques(big, edges, conflicts, CONFIG)
    assert set(rest["component"]) == {2, 3}  # 2 misses a pair (20-22...), 3 has a contradiction
    assert set(rest_edges["component"]) == {2, 3}
    roots, _ = _refine(rest, rest_edges, conflicts, CONFIG)
    whole, _ = _refine(big, edges, conflicts, CONFIG)
    clique = frozenset(big.loc[big["component"] == 1, "unique_id"])
    assert _partition(roots) | {clique} == _partition(whole)


def test_a_pair_below_the_threshold_is_not_a_clique_link() -> None:
    big, edges, conflicts = _frames()
    edges.loc[(edges["uid_l"] == 11) & (edges["uid_r"] == 12), "match_probability"] = CONFIG.threshold - 0.01
    rest, _ = _without_cliques(big, edges, conflicts, CONFIG)
    assert 1 in set(rest["component"])
    edges.loc[(edges["uid_l"] == 11) & (edges["uid_r"] == 12), "must"] = True  # an analyst's 'same' links it
    rest, _ = _without_cliques(big, edges, conflicts, CONFIG)
    assert 1 not in set(rest["component"])


def test_the_prior_is_refit_to_the_mean_match_probability_over_every_record_pair() -> None:
    records, start = 2_000, 1e-5
    pairs = records * (records - 1) / 2
    # 900 pairs whose evidence settles them either way, 300 that the prior decides (evidence equal to its odds)
    evidence = np.concatenate([np.full(900, 40.0), np.full(300, -math.log2(900 / pairs))])
    weights = evidence + math.log2(start / (1 - start))
    fitted = refit_prior(weights, records, start)
    probability = 1 / (1 + np.exp2(-(evidence + math.log2(fitted / (1 - fitted)))))
    assert fitted == pytest.approx(probability.sum() / pairs, rel=1e-3)  # its own fixed point
    assert 900 / pairs < fitted < 1200 / pairs
    assert fitted == float(f"{fitted:.4g}")  # rounded: engines whose sums differ in the last bits agree
    assert prior_shift(start, fitted) == pytest.approx(math.log2(fitted / (1 - fitted)) - math.log2(start / (1 - start)))
    assert refit_prior(np.array([]), records, start) == start  # nothing scored: the prior stands
