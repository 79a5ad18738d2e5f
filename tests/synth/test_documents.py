"""Identity documents (``toex.synth.documents`` and their noise): who holds which, number
patterns, uniqueness, typos and variants."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from toex.synth.config import DocumentConfig, NoiseConfig
from toex.synth.documents import (
    IDENTITY_CARD,
    IDENTITY_CARDS,
    OTHER_PASSPORT,
    PASSPORT,
    PASSPORTS,
    Holdings,
    NumberFormat,
    holdings,
    nationality_codes,
    number_format,
    permute,
)
from toex.synth.noise import document_typo, render_documents


def normalise(values: pd.Series) -> pd.Series:
    """As ingest does: upper case, letters and digits only."""
    return values.str.upper().str.replace(r"[^A-Z0-9]", "", regex=True)


def pattern_regex(fmt: NumberFormat) -> re.Pattern[str]:
    """A regular expression of a number pattern."""
    return re.compile("".join(f"[{re.escape(a)}]" for a in fmt.positions))


def test_number_patterns_never_overlap() -> None:
    """Two patterns of the same length differ in the alphabet of at least one position with no
    character in common, so no number of one issuer and kind can be another's."""
    formats = {f"passport {k}": f for k, f in PASSPORTS.items()} | {f"card {k}": f for k, f in IDENTITY_CARDS.items()}
    formats["passport other"] = OTHER_PASSPORT
    items = list(formats.items())
    for i, (a, fa) in enumerate(items):
        for b, fb in items[i + 1 :]:
            if len(fa.positions) != len(fb.positions):
                continue
            assert any(not set(x) & set(y) for x, y in zip(fa.positions, fb.positions, strict=True)), (a, b)
    assert PASSPORTS["GBR"].capacity >= 10**8 and len(PASSPORTS["GBR"].positions) == 9
    assert all(8 <= len(f.positions) <= 9 for f in formats.values())


@pytest.mark.parametrize("capacity", [7, 230, 1000, 20_000])
def test_permute_is_a_bijection(capacity: int) -> None:
    got = permute(np.arange(capacity), capacity, "salt")
    assert sorted(got.tolist()) == list(range(capacity))
    assert not np.array_equal(got, permute(np.arange(capacity), capacity, "other"))


def test_numbers_are_unique_across_blocks_and_not_sequential() -> None:
    rng = np.random.default_rng(0)
    n = 30_000
    held = Holdings(np.arange(n), np.zeros(n, dtype=np.int64), np.zeros(n, dtype=bool), ("VNM",))
    got = np.concatenate([held.numbers(rng, block) for block in (0, 1, 44)])
    assert len(set(got.tolist())) == len(got)
    assert all(pattern_regex(PASSPORTS["VNM"]).fullmatch(v) for v in got.tolist())
    # consecutive ranks do not give numbers a constant step apart
    fmt = number_format("GBR", PASSPORT)
    values = fmt.index(1, np.arange(50), "GBR|passport")
    assert len(set(np.diff(values).tolist())) > 40


def test_holding_shares() -> None:
    rng = np.random.default_rng(1)
    cfg = DocumentConfig()
    n = 40_000
    origin = np.array(["british", "caribbean", "romanian", "irish", "indian"] * (n // 5), dtype=object)
    table = {"british": "GBR", "caribbean": "GBR", "romanian": "ROU", "irish": "IRL", "indian": "IND"}
    code, nationalities = nationality_codes(origin, table)
    assert sorted(nationalities) == ["GBR", "IND", "IRL", "ROU"]  # British and Caribbean origins: one issuer
    age = np.array([40.0, 9.0, 30.0, 30.0, 30.0] * (n // 5))
    held = holdings(rng, code, nationalities, age, cfg)
    frame = pd.DataFrame({"owner": held.owner, "kind": held.kind, "issuer": held.issuer})
    nat = np.array([table[o] for o in origin], dtype=object)
    assert (held.issuer == nat[held.owner]).all()
    assert (held.descriptions() == held.kind + " (" + held.issuer + ")").all()
    # every GBR passport, whichever the origin, gets its own number
    values = held.numbers(rng, 3)
    assert len(set(values.tolist())) == len(values)
    share = frame.groupby([frame["owner"] % 5, "kind"]).size() / (n // 5)
    assert abs(share[(0, PASSPORT)] - cfg.passport_british_adult) < 0.03
    assert abs(share[(1, PASSPORT)] - cfg.passport_british_child) < 0.03
    assert abs(share[(2, PASSPORT)] - cfg.passport_foreign) < 0.03
    assert abs(share[(2, IDENTITY_CARD)] - cfg.identity_card_eu) < 0.03
    assert (3, IDENTITY_CARD) not in share.index and (4, IDENTITY_CARD) not in share.index  # Ireland, India: no cards
    assert (np.diff(held.owner) >= 0).all()


def test_document_typo_is_one_edit() -> None:
    rng = np.random.default_rng(2)
    for number in ("123456789", "EA1234567", "AAB112233", "11111111"):
        for r in rng.integers(0, 1 << 30, 300).tolist():
            typo = document_typo(number, r)
            assert typo != number and len(typo) == len(number)
            diff = [i for i, (a, b) in enumerate(zip(number, typo, strict=True)) if a != b]
            substituted = len(diff) == 1 and typo[diff[0]].isdigit() == number[diff[0]].isdigit()
            transposed = len(diff) == 2 and diff[1] == diff[0] + 1 and typo[diff[0]] == number[diff[1]] and typo[diff[1]] == number[diff[0]]
            assert substituted or transposed, (number, typo)


def test_document_noise_rates() -> None:
    rng = np.random.default_rng(3)
    noise = NoiseConfig()
    n = 30_000
    held = Holdings(np.arange(n), np.arange(n) % 3, (np.arange(n) % 3) == 2, ("POL", "GBR", "ROU"))
    values = held.numbers(rng, 5)
    written = pd.Series(render_documents(values, rng, noise))
    changed = normalise(written) != pd.Series(values)
    assert abs(changed.mean() - noise.document_typo) < 0.005
    varied = written != normalise(written)
    assert abs(varied.mean() - noise.document_variant) < 0.015
    assert written.str.contains(" ").any() and written.str.contains("[a-z]").any()
    quiet = render_documents(values, rng, NoiseConfig(document_typo=0, document_variant=0))
    assert (quiet == values).all()
