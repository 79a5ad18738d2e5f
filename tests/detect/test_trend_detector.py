"""Emerging trends: a juvenile shoplifting surge against a seasonal baseline, with false-alarm control."""

from __future__ import annotations

from datetime import date

import numpy as np
from tests.graph.world import World, new_store

from toex.detect import base
from toex.detect.config import TrendConfig
from toex.detect.trends import _bh, write_trends
from toex.engine import as_engine
from toex.graph.build import build_graph
from toex.store import Store


def _world(surge: int) -> Store:
    """Three years of steady shoplifting in Suffolk and Norfolk by adults and a few children, plus a surge."""
    store = new_store()
    w = World(store)
    rng = np.random.default_rng(3)
    adults = [w.person(f"P-A{i:05d}", "Adult", f"A{i}", date(1980 + i % 20, 1, 1)) for i in range(30)]
    kids = [w.person(f"P-K{i:05d}", "Kid", f"K{i}", date(2009, 6, 1)) for i in range(10)]
    n = 0
    for year in (2021, 2022, 2023, 2024):
        for month in range(1, 13):
            if (year, month) > (2024, 6):
                break
            for force in ("suffolk", "norfolk"):
                for _ in range(int(rng.poisson(6))):
                    n += 1
                    w.offence(f"o{n}", f"{year}-{month:02d}-10", force, [adults[int(rng.integers(0, 30))]])
                if rng.random() < 0.3:
                    n += 1
                    w.offence(f"o{n}", f"{year}-{month:02d}-12", force, [kids[int(rng.integers(0, 10))]])
    for k in range(surge):
        n += 1
        w.offence(f"o{n}", f"2024-0{4 + k % 3}-{1 + k % 27:02d}", "suffolk", [kids[k % 10], kids[(k + 3) % 10]])
    build_graph(store)
    base.prepare(as_engine(store), date(2024, 6, 30))
    return store


def test_juvenile_surge_is_the_top_alert() -> None:
    store = _world(surge=20)
    assert write_trends(as_engine(store), TrendConfig()) >= 1
    top = store.execute("SELECT force, offence_code, grp, period_from, period_to, observed, expected, p_value, "
                        "q_value, summary FROM trend_alerts ORDER BY alert_id LIMIT 1").fetchone()
    assert top is not None
    force, code, grp, start, end, observed, expected, p, q, summary = top
    assert (force, code, grp) == ("suffolk", "46", "age:10-17")
    assert end == date(2024, 6, 30) and start >= date(2024, 4, 1)
    assert observed >= 20 and expected < observed / 3 and p < 1e-6 and q <= 0.01
    assert summary.startswith("Juvenile shoplifting in Suffolk: ")
    assert "by 10-17 year olds" in summary and "expected" in summary


def test_steady_series_raise_no_alert() -> None:
    store = _world(surge=0)
    write_trends(as_engine(store), TrendConfig())
    assert store.scalar("SELECT count(*) FROM trend_alerts WHERE force = 'norfolk'") == 0
    assert store.scalar("SELECT count(*) FROM trend_alerts WHERE grp = 'age:10-17'") == 0


def test_policeuk_aggregates_are_tested_with_group_all() -> None:
    store = new_store()
    w = World(store)
    store.execute("UPDATE sources SET format = 'police-uk'")
    n = 0
    for year in (2021, 2022, 2023, 2024):
        for month in range(1, 13):
            if (year, month) > (2024, 6):
                break
            count = 5 if (year, month) < (2024, 5) else 40
            for _ in range(count):
                n += 1
                w.event(f"pu{n}", "offence", f"{year}-{month:02d}-01", "dorset", category="shoplifting")
    build_graph(store)
    base.prepare(as_engine(store), date(2024, 6, 30))
    write_trends(as_engine(store), TrendConfig())
    rows = store.fetchall("SELECT grp, basis, category, summary FROM trend_alerts")
    assert rows and rows[0][:3] == ("all", "police-uk", "shoplifting")
    assert "data.police.uk" in rows[0][3]


def test_benjamini_hochberg() -> None:
    p = np.array([0.001, 0.01, 0.02, 0.5])
    q = _bh(p)
    assert np.allclose(q, [0.004, 0.02, 0.02 * 4 / 3, 0.5])


def test_months_before_a_forces_data_starts_are_missing_not_zero() -> None:
    """Essex's feed starts in July 2023 (before it: three old records linked from other cases).

    Compared with the empty months before its feed, every Essex series would
    look like a surge; with coverage, Essex is not tested until it has a year of
    covered months, and Suffolk's real surge stays the top alert.
    """
    store = _world(surge=20)
    w = World(store, "s2")
    rng = np.random.default_rng(5)
    adults = [w.person(f"P-E{i:05d}", "Essex", f"E{i}", date(1975 + i % 20, 1, 1)) for i in range(20)]
    n = 0
    for when in ("2021-05-03", "2022-02-03", "2022-11-03"):
        n += 1
        w.offence(f"ex{n}", when, "essex", [adults[0]])
    for year, month in [(2023, m) for m in range(7, 13)] + [(2024, m) for m in range(1, 7)]:
        for _ in range(int(rng.poisson(40))):
            n += 1
            w.offence(f"ex{n}", f"{year}-{month:02d}-10", "essex", [adults[int(rng.integers(0, 20))]])
    build_graph(store)
    base.prepare(as_engine(store), date(2024, 6, 30))
    write_trends(as_engine(store), TrendConfig())
    assert store.scalar("SELECT count(*) FROM trend_alerts WHERE force = 'essex'") == 0
    top = store.fetchall("SELECT force, grp FROM trend_alerts ORDER BY alert_id LIMIT 1")
    assert top == [("suffolk", "age:10-17")]
    # the same feed with a year of history before the window is tested (and is steady)
    assert write_trends(as_engine(store), TrendConfig(min_baseline_months=6)) >= 1
    assert store.scalar("SELECT count(*) FROM trend_alerts WHERE force = 'essex'") == 0


def test_without_coverage_a_late_feed_would_alarm() -> None:
    """The control for the test above: with every month counted as covered, Essex alarms."""
    store = new_store()
    w = World(store)
    adults = [w.person(f"P-E{i:05d}", "Essex", f"E{i}", date(1975 + i % 20, 1, 1)) for i in range(20)]
    n = 0
    for when in ("2021-05-03", "2022-02-03", "2022-11-03", "2023-03-03"):
        n += 1
        w.offence(f"ex{n}", when, "essex", [adults[0]])
    for month in range(1, 7):
        for k in range(40):
            n += 1
            w.offence(f"ex{n}", f"2024-{month:02d}-10", "essex", [adults[k % 20]])
    build_graph(store)
    base.prepare(as_engine(store), date(2024, 6, 30))
    write_trends(as_engine(store), TrendConfig(coverage_ratio=1e-9))
    assert store.scalar("SELECT count(*) FROM trend_alerts WHERE force = 'essex'") >= 1
    write_trends(as_engine(store), TrendConfig())
    assert store.scalar("SELECT count(*) FROM trend_alerts WHERE force = 'essex'") == 0
