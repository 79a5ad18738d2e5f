"""The dataset's time window and its seasonal curve."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np


@dataclass(frozen=True)
class Timeline:
    """``years`` whole years of months ending with the month of ``end``."""

    end: date
    years: int
    seasonality: float

    @property
    def end64(self) -> np.datetime64:
        return np.datetime64(self.end.isoformat(), "D")

    @property
    def months(self) -> np.ndarray:
        last = np.datetime64(self.end.isoformat()[:7], "M")
        return np.arange(last - self.years * 12 + 1, last + 1)

    @property
    def start64(self) -> np.datetime64:
        return to_days(self.months[0])

    def month_weights(self) -> np.ndarray:
        moy = self.months.astype(np.int64) % 12 + 1
        w = 1.0 + self.seasonality * np.cos(2 * np.pi * (moy - 7) / 12)
        return np.asarray(w / w.sum(), dtype=np.float64)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """n date-times (datetime64[s]) following the seasonal curve, never after ``end``."""
        months = self.months
        m = months[rng.choice(len(months), size=n, p=self.month_weights())]
        start = m.astype("datetime64[D]")
        length = ((m + 1).astype("datetime64[D]") - start).astype(np.int64)
        day = start + (rng.random(n) * length).astype(np.int64)
        day = np.minimum(day, self.end64)
        secs = _time_of_day(rng, n)
        return np.asarray(day.astype("datetime64[s]") + secs, dtype="datetime64[s]")


def to_days(d: np.datetime64) -> np.datetime64:
    """``d`` at day resolution (floored), like ``np.datetime64(d, "D")``.

    numpy's stubs have no overload for ``np.datetime64(<datetime64>, unit)``, so the
    scenarios convert through these two helpers instead.
    """
    return np.datetime64(d.astype("datetime64[D]"))


def to_seconds(d: np.datetime64) -> np.datetime64:
    """``d`` at second resolution, like ``np.datetime64(d, "s")``."""
    return np.datetime64(d.astype("datetime64[s]"))


def _time_of_day(rng: np.random.Generator, n: int) -> np.ndarray:
    """Seconds after midnight, busier in the afternoon and evening."""
    hours = np.array([2, 1.5, 1, 0.8, 0.6, 0.6, 1, 1.5, 2.5, 3, 3.5, 4, 4.5, 4.5, 4.5, 5, 5.5, 5.5, 5, 4.5, 4, 3.5, 3, 2.5])
    h = rng.choice(24, size=n, p=hours / hours.sum())
    return np.asarray(h * 3600 + rng.integers(0, 3600, size=n), dtype="timedelta64[s]")


def age_on(dob: np.ndarray, when: np.ndarray) -> np.ndarray:
    """Whole years of age of people born ``dob`` on the dates ``when`` (both datetime64)."""
    d = dob.astype("datetime64[D]")
    w = when.astype("datetime64[D]")
    years = w.astype("datetime64[Y]").astype(np.int64) - d.astype("datetime64[Y]").astype(np.int64)
    had_birthday = (w - w.astype("datetime64[Y]")) >= (d - d.astype("datetime64[Y]"))
    return np.asarray(years - (~had_birthday).astype(np.int64), dtype=np.int64)
