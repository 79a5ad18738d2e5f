"""The planted juvenile shoplifting surge stands out in the dataset files themselves.

Counted from the dataset (events, links, persons of the surge force's crime source),
not from the truth: offences coded 46 with a suspect or offender aged 10-17 on the
event date, per month; the last ``surge_months`` against the same months of every
earlier year. The same check as at medium scale (docs/synthetic-data.md).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from tests.conftest import write_source

from toex.synth import SynthSummary, generate
from toex.synth.surge import check_surge, juvenile_monthly_counts


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> SynthSummary:
    """small, like medium, has three earlier years of baseline (tiny has only one)."""
    return generate(tmp_path_factory.mktemp("synth") / "small", scale="small", seed=1)


def test_surge_is_visible_against_the_seasonal_baseline(small: SynthSummary) -> None:
    manifest = json.loads((small.truth_dir / "manifest.json").read_text(encoding="utf-8"))
    end = date.fromisoformat(manifest["config"]["end_date"])
    months = int(manifest["config"]["case_study"]["surge_months"])
    trends = json.loads((small.truth_dir / "trends.json").read_text(encoding="utf-8"))
    assert trends
    for force in {t["force"] for t in trends}:  # the truth only names the force
        counts = juvenile_monthly_counts(small.dataset_dir, force)
        assert len(counts) == 48  # every month of the four years, zeros included
        check = check_surge(counts, end, months, force)
        assert check.baseline_years == 3
        assert check.ratio > 3, check
        assert check.p_value < 1e-6, check
        assert check.visible()
        # and no earlier run of as many months comes close (the group's earlier sprees included)
        earlier = counts[counts.index < check.months[0]].rolling(months).sum().max()
        assert check.observed > 2 * earlier, (check, earlier)


def _person(ref: str, dob: str) -> dict[str, str]:
    return {"ref": ref, "forenames": "A", "surname": "B", "dob": dob}


def _offence(ref: str, when: str, code: str = "46") -> dict[str, str]:
    return {"ref": ref, "kind": "offence", "occurred_from": when, "offence_code": code}


def test_counts_use_age_on_the_event_date_and_partial_dates_of_birth(tmp_path: Path) -> None:
    persons = [
        _person("P10", "2010-03-02"),   # 10 on 2020-03-02
        _person("P9", "2010-03-03"),    # still 9 on 2020-03-02
        _person("P17", "2002-03-03"),   # 17 until 2020-03-02
        _person("P18", "2002-03-02"),   # 18 on 2020-03-02
        _person("PYM", "2005-06"),      # year-month: read as the 15th
        _person("PY", "2005"),          # year: read as 1 July
        _person("PX", ""),              # no date of birth: never counted
    ]
    events = [_offence(f"E{i}", "2020-03-02T10:00:00") for i in range(7)]
    events += [_offence("E7", "2020-05-01T10:00:00", code="30C"), _offence("E8", "2020-04-01T10:00:00")]
    links = [{"from_ref": p["ref"], "to_ref": f"E{i}", "role": "suspect"} for i, p in enumerate(persons)]
    links += [{"from_ref": "P10", "to_ref": "E7", "role": "suspect"}, {"from_ref": "P10", "to_ref": "E8", "role": "victim"}]
    write_source(tmp_path, "testshire-crime", persons=persons, events=events, links=links)
    counts = juvenile_monthly_counts(tmp_path, "testshire")
    assert counts.to_dict() == {"2020-03": 4, "2020-04": 0, "2020-05": 0}  # P10, P17, PYM (14), PY (14)


def test_check_compares_the_same_months_of_earlier_years() -> None:
    import pandas as pd

    months = pd.period_range("2021-01", "2024-06", freq="M").astype(str)
    counts = pd.Series(2, index=months)
    counts[["2024-04", "2024-05", "2024-06"]] = [30, 25, 20]
    counts["2023-05"] = 8
    check = check_surge(counts, date(2024, 6, 30), 3)
    assert check.months == ("2024-04", "2024-05", "2024-06")
    assert check.baseline_years == 3 and check.expected == pytest.approx((6 + 12 + 6) / 3)
    assert check.observed == 75 and check.visible()
    assert not check_surge(pd.Series(2, index=months), date(2024, 6, 30), 3).visible()
