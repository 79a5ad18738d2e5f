"""Is a planted juvenile offence surge visible in the dataset itself?

Counts, from a dataset folder's files only (never the truth), the offences of one
code in a force's crime source that have a suspect or offender aged 10-17 on the
event date, month by month; and compares the last months with the same calendar
months of the earlier years (the force's seasonal baseline).

Dates of birth are read as the records give them: a full date as is, a year-month
as the 15th, a year alone as 1 July; records without one do not count. A day/month
swapped date of birth is read as written (as an analyst would).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import poisson

#: Link roles that make a person a suspect of an event.
SUSPECT_ROLES = ("suspect", "offender")


@dataclass(frozen=True)
class SurgeCheck:
    """The last ``months`` against the same months of earlier years."""

    force: str
    offence_code: str
    months: tuple[str, ...]
    observed: int
    baseline_years: int
    expected: float
    ratio: float
    p_value: float

    def visible(self, min_ratio: float = 3.0, max_p: float = 1e-6) -> bool:
        return self.ratio > min_ratio and self.p_value < max_p


def _read(path: Path, columns: list[str]) -> pd.DataFrame:
    if not path.exists():
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    return pd.read_csv(path, dtype=str, keep_default_na=False, usecols=columns)


def _dob(values: pd.Series) -> pd.Series:
    """Written dates of birth as dates (partial ones at mid-month / mid-year; NaT if none)."""
    s = values.str.strip()
    full = s.str.fullmatch(r"\d{4}-\d{2}-\d{2}")
    month = s.str.fullmatch(r"\d{4}-\d{2}")
    year = s.str.fullmatch(r"\d{4}")
    text = s.where(full, s.where(~month, s + "-15").where(~year, s + "-07-01"))
    return pd.to_datetime(text.where(full | month | year), format="%Y-%m-%d", errors="coerce")


def juvenile_monthly_counts(dataset_dir: Path, force: str, offence_code: str = "46",
                            ages: tuple[int, int] = (10, 17)) -> pd.Series:
    """Offences of ``offence_code`` in ``<force>-crime`` with a suspect or offender aged
    ``ages`` (inclusive) on the event date, per month (``YYYY-MM`` index, every month from
    the first to the last event of the source, zeros included)."""
    folder = dataset_dir / f"{force}-crime"
    events = _read(folder / "events.csv", ["ref", "kind", "occurred_from", "offence_code"])
    links = _read(folder / "links.csv", ["from_ref", "to_ref", "role"])
    persons = _read(folder / "persons.csv", ["ref", "dob"])
    when_all = pd.to_datetime(events["occurred_from"], errors="coerce")
    months_all = when_all.dt.to_period("M")
    span = pd.period_range(months_all.min(), months_all.max(), freq="M") if len(events) else pd.PeriodIndex([], freq="M")
    ev = events[(events["kind"] == "offence") & (events["offence_code"] == offence_code)]
    ev = ev.assign(when=when_all[ev.index])
    sus = links[links["role"].isin(SUSPECT_ROLES)].rename(columns={"from_ref": "person", "to_ref": "ref"})
    dob = persons.assign(birth=_dob(persons["dob"])).rename(columns={"ref": "person"})[["person", "birth"]]
    rows = ev.merge(sus[["person", "ref"]], on="ref").merge(dob, on="person")
    rows = rows[rows["birth"].notna() & rows["when"].notna()]
    w, b = rows["when"], rows["birth"]
    age = w.dt.year - b.dt.year - ((w.dt.month < b.dt.month) | ((w.dt.month == b.dt.month) & (w.dt.day < b.dt.day))).astype(int)
    young = rows[(age >= ages[0]) & (age <= ages[1])]
    per_month = young.drop_duplicates("ref")["when"].dt.to_period("M").value_counts()
    counts = per_month.reindex(span, fill_value=0).astype(np.int64)
    counts.index = counts.index.astype(str)
    return counts


def check_surge(counts: pd.Series, end: date, months: int, force: str = "", offence_code: str = "46") -> SurgeCheck:
    """The last ``months`` months up to ``end`` against the same calendar months of every
    earlier year in ``counts``: ratio of the observed total to the baseline mean, and the
    Poisson probability of at least the observed total given that mean."""
    last = pd.Period(end, freq="M")
    window = [last - k for k in range(months - 1, -1, -1)]
    observed = int(sum(int(counts.get(str(m), 0)) for m in window))
    first = pd.Period(min(counts.index), freq="M") if len(counts) else last
    years = [y for y in range(1, 100) if window[0] - 12 * y >= first]
    totals = [sum(int(counts.get(str(m - 12 * y), 0)) for m in window) for y in years]
    expected = float(np.mean(totals)) if totals else 0.0
    ratio = observed / expected if expected > 0 else math.inf
    # with no baseline events, count the baseline as half an event (a conservative floor)
    p_value = float(poisson.sf(observed - 1, max(expected, 0.5)))
    return SurgeCheck(force, offence_code, tuple(str(m) for m in window), observed, len(years), expected, ratio, p_value)
