"""Emerging trends in aggregated counts (detector 1).

Counts of offences per force x offence (Home Office code, and data.police.uk
category) x population group x month are compared with the level expected
from their own history and the national seasonal pattern:

- *cells*: POLE offences counted once per group in which a suspect or offender
  falls (age band at the offence date, sex) plus ``all``; data.police.uk
  street-level crimes (no persons) by category with group ``all``;
- *expected*: ``level x seasonal``: the seasonal index per month of year comes
  from the national total of that offence (or category) over the baseline, the
  series' level from its own baseline months (default 36 before the window);
- *surprise*: a negative binomial upper-tail p-value whose variance adds the
  pooled overdispersion (method of moments over all baselines) and the
  uncertainty of the estimated level;
- *false-alarm control*: Benjamini-Hochberg over every (series, window) tested,
  plus a noise floor (minimum observed count and observed/expected ratio);
- *coverage*: a force's data covers the months from the first one in which its
  offences reach ``coverage_ratio`` of its typical month (the median of its last
  12); earlier months are missing data, not zero counts, so a force whose feed
  starts late (or history that is only a few old linked records) is compared
  with its covered months only, and is not tested until it has
  ``min_baseline_months`` of them.

SQL does the counting; numpy works on the aggregated month x series matrix
(never on records).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from scipy import stats

from toex.detect.config import TrendConfig
from toex.engine import Engine

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
SCORE_CAP = 50.0
#: Stored floats (p, q, expected) keep this many significant digits, so reruns agree exactly.
SIG_DIGITS = 12
#: The columns of ``trend_alerts`` a run writes, in the order of its rows.
ALERT_COLUMNS = ("alert_id", "force", "offence_code", "category", "grp", "period_from", "period_to", "observed",
                 "expected", "score", "p_value", "summary", "basis", "q_value", "tested")


@dataclass(frozen=True)
class TrendAlert:
    """One alert row (see the trend_alerts table)."""

    force: str
    offence_code: str | None
    category: str | None
    grp: str
    period_from: date
    period_to: date
    observed: int
    expected: float
    p_value: float
    q_value: float
    basis: str


def _age_band_sql(cfg: TrendConfig, age: str) -> str:
    whens = " ".join(f"WHEN {age} BETWEEN {lo} AND {hi} THEN 'age:{lo}-{hi}'" if hi < 150
                     else f"WHEN {age} >= {lo} THEN 'age:{lo}+'" for lo, hi in cfg.age_bands)
    return f"CASE WHEN {age} IS NULL THEN 'age:unknown' {whens} ELSE NULL END"


def _counts(engine: Engine, cfg: TrendConfig) -> pd.DataFrame:
    """Monthly counts per series: basis, force, dim (offence_code|category), value, grp, month, n."""
    engine.execute(
        """CREATE OR REPLACE TEMP TABLE __t_off AS
        SELECT e.source_id, e.ref, e.force, e.offence_code,
               coalesce(e.category, rc.policeuk_category) AS category,
               CAST(date_trunc('month', e.occurred_from) AS DATE) AS month,
               CASE WHEN s.format = 'police-uk' THEN 'police-uk' ELSE 'pole' END AS basis
        FROM events e LEFT JOIN sources s ON s.source_id = e.source_id
        LEFT JOIN ref_offence_codes rc ON rc.offence_code = e.offence_code
        WHERE e.kind = 'offence' AND e.force IS NOT NULL AND e.occurred_from IS NOT NULL"""
    )
    # each suspect or offender puts the offence in their age band's group and their sex's group
    engine.execute(
        f"""CREATE OR REPLACE TEMP TABLE __t_grp AS
        SELECT o.*, 'all' AS grp FROM __t_off o
        UNION ALL
        SELECT DISTINCT o.*, g.grp FROM __t_off o
        JOIN (SELECT pe.source_id, pe.ref, {_age_band_sql(cfg, 'pe.age_at')} AS grp
              FROM __d_pe pe JOIN __d_person p ON p.entity_id = pe.person
              WHERE pe.role IN ('suspect', 'offender')
              UNION ALL
              SELECT pe.source_id, pe.ref, CASE WHEN p.sex IN ('M', 'F') THEN 'sex:' || p.sex END
              FROM __d_pe pe JOIN __d_person p ON p.entity_id = pe.person
              WHERE pe.role IN ('suspect', 'offender')) g ON g.source_id = o.source_id AND g.ref = o.ref
        WHERE o.basis = 'pole' AND g.grp IS NOT NULL"""
    )
    frame = engine.fetch_arrow(
        """SELECT basis, force, 'offence_code' AS dim, offence_code AS value, grp, month, count(*) AS n
        FROM __t_grp WHERE offence_code IS NOT NULL GROUP BY ALL
        UNION ALL
        SELECT basis, force, 'category', category, grp, month, count(*)
        FROM __t_grp WHERE category IS NOT NULL GROUP BY ALL
        ORDER BY basis, force, dim, value, grp, month"""
    ).to_pandas()
    engine.drop_table("__t_off")
    engine.drop_table("__t_grp")
    return frame


def _month_index(first: date, month: pd.Series) -> np.ndarray:
    d = pd.to_datetime(month)
    return np.asarray((d.dt.year - first.year) * 12 + (d.dt.month - first.month), dtype=np.int64)


def _coverage_start(y: np.ndarray, keys: pd.DataFrame, part: pd.DataFrame, ratio: float) -> np.ndarray:
    """Per series, the first month its force's data covers (see the module docstring)."""
    alls = part[part["grp"] == "all"]
    totals = (alls.groupby(["basis", "force", "dim", "m"], sort=True)["n"].sum()
              .groupby(level=["basis", "force", "m"]).max())
    start: dict[tuple[str, str], int] = {}
    for (basis, force), series in totals.groupby(level=["basis", "force"]):
        by_month = np.zeros(y.shape[1])
        by_month[series.index.get_level_values("m").to_numpy()] = series.to_numpy()
        typical = float(np.median(by_month[-12:]))
        reached = np.flatnonzero(by_month >= ratio * typical) if typical > 0 else np.array([], dtype=np.int64)
        start[(str(basis), str(force))] = int(reached[0]) if len(reached) else y.shape[1]
    return np.array([start.get((str(b), str(f)), 0) for b, f in zip(keys["basis"], keys["force"], strict=True)],
                    dtype=np.int64)


def _seasonal(y: np.ndarray, keys: pd.DataFrame, first: date, base: slice, covered: np.ndarray) -> np.ndarray:
    """Seasonal index (mean 1) per series from the pooled history of its (basis, dim, value, grp).

    For each month of the year: the family's counts in covered baseline months
    of that month over what its series' own mean levels predict (each series
    counts only where its force's data covers), so forces whose data starts at
    different times, or differ in size, do not bend the season.
    """
    months = np.arange(y.shape[1])
    moy = (first.month - 1 + months) % 12
    family = keys.groupby(["basis", "dim", "value", "grp"], sort=False).ngroup().to_numpy()
    in_base = covered & (months[None, :] >= base.start) & (months[None, :] < base.stop)
    n_base = in_base.sum(axis=1)
    level = np.where(in_base, y, 0.0).sum(axis=1) / np.maximum(n_base, 1)
    num = np.zeros((family.max() + 1, 12))
    den = np.zeros_like(num)
    for k in range(12):
        sel = in_base & (moy[None, :] == k)
        np.add.at(num[:, k], family, np.where(sel, y, 0.0).sum(axis=1))
        np.add.at(den[:, k], family, sel.sum(axis=1) * level)
    idx = np.where(den > 0, (num + 1.0) / (den + 1.0), np.nan)
    fill = np.array([np.nanmean(row) if np.isfinite(row).any() else 1.0 for row in idx])[:, None]
    idx = np.where(np.isfinite(idx), idx, fill)
    idx /= idx.mean(axis=1, keepdims=True)
    return np.asarray(idx[family][:, moy])  # series x months


def _dispersion(y: np.ndarray, mu: np.ndarray) -> float:
    """Pooled negative binomial alpha (var = mu + alpha mu^2), method of moments, >= 0."""
    num = float(((y - mu) ** 2 - y).sum())
    den = float((mu**2).sum())
    return max(0.0, num / den) if den > 0 else 0.0


def detect_trends(engine: Engine, cfg: TrendConfig) -> tuple[list[TrendAlert], int]:
    """Every significant surge (after BH and the noise floor), one per series; and the cells tested."""
    frame = _counts(engine, cfg)
    if frame.empty:
        return [], 0
    alerts: list[TrendAlert] = []
    tested = 0
    candidates: list[tuple[int, pd.DataFrame, np.ndarray, np.ndarray, np.ndarray, int, int, date]] = []
    for _basis, part in frame.groupby("basis", sort=True):
        found = _scan_basis(part.reset_index(drop=True), cfg)
        if found is None:
            continue
        candidates.append(found)
        tested += found[0]
    if not candidates:
        return [], 0
    all_p = np.concatenate([c[2].ravel() for c in candidates])
    q_all = _bh(all_p)
    offset = 0
    for _n_tests, keys, p, obs, exp, _n_windows, last, first in candidates:
        q = q_all[offset: offset + p.size].reshape(p.shape)
        offset += p.size
        alerts.extend(_select(keys, p, q, obs, exp, cfg, last, first))
    alerts = _dedupe(alerts)
    alerts.sort(key=lambda a: (a.p_value, -a.observed, *_identity(a)))
    return alerts[: cfg.max_alerts], tested


def _scan_basis(part: pd.DataFrame, cfg: TrendConfig) -> tuple[int, pd.DataFrame, np.ndarray, np.ndarray, np.ndarray, int, int, date] | None:
    first_ts = pd.to_datetime(part["month"]).min()
    first = date(first_ts.year, first_ts.month, 1)
    part = part.assign(m=_month_index(first, part["month"]))
    n_months = int(part["m"].max()) + 1
    keys = part[["basis", "force", "dim", "value", "grp"]].drop_duplicates().reset_index(drop=True)
    key_index = part.merge(keys.reset_index(), on=["basis", "force", "dim", "value", "grp"])["index"].to_numpy()
    y = np.zeros((len(keys), n_months))
    np.add.at(y, (key_index, part["m"].to_numpy()), part["n"].to_numpy())
    last = n_months - 1
    windows = [(end, w) for end in range(last, last - cfg.scan_months, -1) for w in cfg.windows]
    if last + 1 < cfg.min_baseline_months + max(cfg.windows):
        return None
    months = np.arange(n_months)
    cov_start = _coverage_start(y, keys, part, cfg.coverage_ratio)
    covered = months[None, :] >= cov_start[:, None]
    base_all = slice(max(0, last - max(cfg.windows) - cfg.baseline_months + 1), last - max(cfg.windows) + 1)
    season = _seasonal(y, keys, first, base_all, covered)
    p = np.ones((len(keys), len(windows)))
    obs = np.zeros_like(p)
    exp = np.zeros_like(p)
    # pooled overdispersion from the baseline fit (covered months only)
    in_base = covered & (months[None, :] >= base_all.start) & (months[None, :] < base_all.stop)
    sb = np.where(in_base, season, 0.0)
    fitted = in_base.sum(axis=1) > 0
    level = (np.where(in_base, y, 0.0).sum(axis=1) + 0.5) / np.where(fitted, sb.sum(axis=1), 1.0)
    alpha = _dispersion(np.where(in_base, y, 0.0)[fitted], (level[:, None] * sb)[fitted])
    for j, (end, w) in enumerate(windows):
        start = end - w + 1
        b0, b1 = max(0, start - cfg.baseline_months), start
        if b1 - b0 < cfg.min_baseline_months:
            continue
        base = covered & (months[None, :] >= b0) & (months[None, :] < b1)
        testable = (base.sum(axis=1) >= cfg.min_baseline_months) & (cov_start <= start)
        s_base = np.where(base, season, 0.0).sum(axis=1)
        b_count = np.where(base, y, 0.0).sum(axis=1)
        lvl = (b_count + 0.5) / np.where(testable, s_base, 1.0)
        e = lvl * season[:, start: end + 1].sum(axis=1)
        o = y[:, start: end + 1].sum(axis=1)
        var = e + alpha * e**2 / w + e**2 / (b_count + 0.5)
        r = e**2 / np.maximum(var - e, 1e-9)
        p[:, j] = np.where(testable, stats.nbinom.sf(o - 1, r, r / (r + e)), 1.0)
        obs[:, j], exp[:, j] = np.where(testable, o, 0.0), np.where(testable, e, 0.0)
    return p.size, keys, p, obs, exp, len(windows), last, first


def _bh(p: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (q-values)."""
    n = p.size
    order = np.argsort(p, kind="stable")
    ranked = p[order] * n / np.arange(1, n + 1)
    q = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(n)
    out[order] = np.minimum(q, 1.0)
    return out


def _month_start(first: date, m: int) -> date:
    total = first.year * 12 + first.month - 1 + m
    return date(total // 12, total % 12 + 1, 1)


def _month_end(first: date, m: int) -> date:
    nxt = _month_start(first, m + 1)
    return date.fromordinal(nxt.toordinal() - 1)


def _select(keys: pd.DataFrame, p: np.ndarray, q: np.ndarray, obs: np.ndarray, exp: np.ndarray,
            cfg: TrendConfig, last: int, first: date) -> list[TrendAlert]:
    windows = [(end, w) for end in range(last, last - cfg.scan_months, -1) for w in cfg.windows]
    ok = (q <= cfg.fdr) & (obs >= cfg.min_observed) & (obs >= cfg.min_ratio * exp)
    out = []
    for i in np.flatnonzero(ok.any(axis=1)):
        cols = np.flatnonzero(ok[i])
        j = int(cols[np.argmin(p[i, cols])])
        end, w = windows[j]
        k = keys.iloc[int(i)]
        out.append(TrendAlert(
            force=str(k["force"]), offence_code=str(k["value"]) if k["dim"] == "offence_code" else None,
            category=str(k["value"]) if k["dim"] == "category" else None, grp=str(k["grp"]),
            period_from=_month_start(first, end - w + 1), period_to=_month_end(first, end),
            observed=int(obs[i, j]), expected=_sig(float(exp[i, j])), p_value=_sig(float(p[i, j])),
            q_value=_sig(float(q[i, j])), basis=str(k["basis"]),
        ))
    return out


def _sig(x: float, digits: int = SIG_DIGITS) -> float:
    """``x`` to ``digits`` significant digits: the last bits of a float depend on summation order."""
    return float(f"{x:.{digits - 1}e}") if np.isfinite(x) and x != 0.0 else float(x)


def _identity(a: TrendAlert) -> tuple[str, str, str, str, str, date, date]:
    """The alert's series and period: the tie-break when p-values are equal."""
    return (a.basis, a.force, a.offence_code or "", a.category or "", a.grp, a.period_from, a.period_to)


def _dedupe(alerts: list[TrendAlert]) -> list[TrendAlert]:
    """One alert per (basis, force, group, period) and offence family: the offence code beats its category."""
    from toex import reference

    cat_of = {c.offence_code: c.policeuk_category for c in reference.offence_codes()}
    best: dict[tuple[str, str, str, str], TrendAlert] = {}
    for a in sorted(alerts, key=lambda a: (a.p_value, a.category is not None, *_identity(a))):
        family = a.category or cat_of.get(a.offence_code or "", a.offence_code or "")
        key = (a.basis, a.force, a.grp, family)
        if key not in best:
            best[key] = a
    return list(best.values())


def _group_words(grp: str) -> tuple[str, str]:
    """(adjective, 'by ...' phrase) for a population group."""
    if grp == "age:10-17":
        return "Juvenile ", "by 10-17 year olds"
    if grp.startswith("age:") and grp != "age:unknown":
        band = grp[4:]
        return "", f"by people aged {band}"
    if grp == "age:unknown":
        return "", "by people of unknown age"
    if grp == "sex:F":
        return "", "by women and girls"
    if grp == "sex:M":
        return "", "by men and boys"
    return "", ""


def summary(alert: TrendAlert, force_name: str, offence_name: str) -> str:
    """'Juvenile shoplifting in Suffolk: 41 offences by 10-17 year olds in Mar-May 2025 against 9 expected'."""
    adj, by = _group_words(alert.grp)
    what = offence_name if not adj else offence_name.lower()
    a, b = alert.period_from, alert.period_to
    period = (f"{MONTHS[a.month - 1]} {a.year}" if (a.year, a.month) == (b.year, b.month)
              else f"{MONTHS[a.month - 1]}-{MONTHS[b.month - 1]} {b.year}" if a.year == b.year
              else f"{MONTHS[a.month - 1]} {a.year}-{MONTHS[b.month - 1]} {b.year}")
    basis = " (data.police.uk)" if alert.basis == "police-uk" else ""
    by_part = f" {by}" if by else ""
    return (f"{adj}{what} in {force_name}{basis}: {alert.observed} offences{by_part} in {period} "
            f"against {alert.expected:.0f} expected")


def write_trends(engine: Engine, cfg: TrendConfig) -> int:
    """Replace ``trend_alerts``; return how many were written."""
    alerts, tested = detect_trends(engine, cfg)
    engine.execute("DELETE FROM trend_alerts")
    forces = dict(engine.fetchall("SELECT force_id, short_name FROM ref_forces"))
    codes = dict(engine.fetchall("SELECT offence_code, description FROM ref_offence_codes"))
    rows = []
    for n, a in enumerate(alerts, start=1):
        offence = (codes.get(a.offence_code or "", f"Offence {a.offence_code}") if a.offence_code
                   else (a.category or "crime").replace("-", " ").capitalize())
        if a.offence_code == "46":
            offence = "Shoplifting"
        score = min(SCORE_CAP, -float(np.log10(max(a.p_value, 1e-300))))
        rows.append([f"T-{n:04d}", a.force, a.offence_code, a.category, a.grp, a.period_from, a.period_to,
                     a.observed, round(a.expected, 2), round(score, 3), a.p_value,
                     summary(a, forces.get(a.force, a.force), offence), a.basis, a.q_value, tested])
    engine.insert_rows("trend_alerts", ALERT_COLUMNS, rows)
    return len(rows)
