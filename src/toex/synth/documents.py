"""Identity documents: who holds a passport or a national identity card, and their numbers.

Foreign nationals mostly hold a passport of their nationality, nationals of EU countries
that issue identity cards (Poland, Romania, Lithuania; Ireland issues none) often an
identity card as well, British people some a UK passport (shares in
:class:`~toex.synth.config.DocumentConfig`).

Numbers follow a plausible pattern per issuer and kind (UK passport: 9 digits; Polish
passport: ``E`` + letter + 7 digits; Romanian identity card: 2-letter series + 6 digits;
...) and are never two alike: each number is a keyed bijection (:func:`permute`) of a
compact index (the force's block and a random rank inside it), written in the pattern's
mixed radix. The patterns' value spaces are disjoint, so two people's documents never share
a number unless one was written with a typo.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from toex.synth.config import DocumentConfig
from toex.synth.refdata import StrArray
from toex.synth.rng import key_of

PASSPORT = "passport"
IDENTITY_CARD = "identity card"
#: Object kind of a document in objects.csv.
KIND = "document"

LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
DIGITS = "0123456789"
#: Index blocks per pattern: 0 for planted people, force number + 1 for a force's population.
BLOCKS = 64
#: Largest pattern capacity :func:`permute` handles in int64 arithmetic.
MAX_CAPACITY = 1 << 34


def permute(x: np.ndarray, capacity: int, salt: str) -> np.ndarray:
    """A bijection of ``[0, capacity)`` keyed by ``salt``: a shift, then rounds of an odd
    multiplication and an xor-shift (each a bijection of ``[0, 2**bits)``), re-applied to
    values that land at or above ``capacity`` (cycle walking), so consecutive indices give
    unrelated numbers."""
    if capacity > MAX_CAPACITY:
        raise ValueError(f"pattern capacity {capacity} over {MAX_CAPACITY}")
    bits = max(2, (capacity - 1).bit_length())
    mask, shift = (1 << bits) - 1, bits // 2
    key = key_of(salt)
    mult = ((key % (1 << 28)) << 1) | 1

    def rounds(v: np.ndarray) -> np.ndarray:
        for _ in range(3):
            v = (v * mult) & mask
            v = v ^ (v >> shift)
        return v

    out = rounds((np.asarray(x, dtype=np.int64) + key) % capacity)
    over = np.flatnonzero(out >= capacity)
    while len(over):
        out[over] = rounds(out[over])
        over = over[out[over] >= capacity]
    return out


@dataclass(frozen=True)
class NumberFormat:
    """A document number pattern: one alphabet per character position."""

    positions: tuple[str, ...]

    @cached_property
    def capacity(self) -> int:
        """How many distinct numbers the pattern can write."""
        out = 1
        for alphabet in self.positions:
            out *= len(alphabet)
        return out

    @cached_property
    def alphabets(self) -> tuple[np.ndarray, ...]:
        """Each position's characters as an array."""
        return tuple(np.array(list(a), dtype="<U1") for a in self.positions)

    @property
    def stride(self) -> int:
        """Numbers available to one index block."""
        return self.capacity // BLOCKS

    def index(self, block: int, rank: np.ndarray, salt: str) -> np.ndarray:
        """The values (0..capacity) of the numbers of ranks ``rank`` in block ``block``."""
        rank = np.asarray(rank, dtype=np.int64)
        if len(rank) and int(rank.max()) >= self.stride:
            raise ValueError(f"{salt}: {int(rank.max()) + 1} documents in one block; the pattern allows {self.stride}")
        return permute(block * self.stride + rank, self.capacity, salt)

    def render(self, values: np.ndarray) -> StrArray:
        """The numbers of ``values`` as strings, written position by position (mixed radix)."""
        n, width = len(values), len(self.positions)
        chars = np.empty((n, width), dtype="<U1")
        rest = np.asarray(values, dtype=np.int64).copy()
        for pos in range(width - 1, -1, -1):
            alphabet = self.alphabets[pos]
            chars[:, pos] = alphabet[rest % len(alphabet)]
            rest //= len(alphabet)
        return np.asarray(chars.view(f"<U{width}").ravel().astype(object), dtype=object)


def pattern(prefix: tuple[str, ...], digits: int) -> NumberFormat:
    """A pattern of leading positions (each an alphabet) then ``digits`` digits."""
    return NumberFormat((*prefix, *([DIGITS] * digits)))


#: Passport patterns by issuing country (ISO alpha-3); leading letters as is common there.
#: The first positions keep each pattern's value space apart from every other's.
PASSPORTS: dict[str, NumberFormat] = {
    "GBR": pattern(("123456",), 8),
    "IRL": pattern(("P", LETTERS), 7),
    "POL": pattern(("E", LETTERS), 7),
    "ROU": pattern(("0",), 8),
    "LTU": pattern(("12",), 7),
    "ALB": pattern(("B", LETTERS), 7),
    "VNM": pattern(("BCN",), 7),
    "SOM": pattern(("P",), 8),
    "PAK": pattern(("ACDFGH", LETTERS), 7),
    "NGA": pattern(("AB",), 8),
    "IND": pattern(("JKLMRSTUVWZ",), 7),
    "BGD": pattern(("KMNR", LETTERS), 7),
    "CHN": pattern(("E",), 8),
}
#: Any other issuer's passport.
OTHER_PASSPORT = pattern(("X", LETTERS), 7)
#: National identity cards of the EU countries in the name pools that issue them.
IDENTITY_CARDS: dict[str, NumberFormat] = {
    "POL": pattern((LETTERS, LETTERS, LETTERS), 6),
    "ROU": pattern((LETTERS, LETTERS), 6),
    "LTU": pattern(("34",), 7),
}


def number_format(issuer: str, kind: str) -> NumberFormat:
    """The pattern of an issuer's passport or identity card."""
    if kind == IDENTITY_CARD:
        return IDENTITY_CARDS[issuer]
    return PASSPORTS.get(issuer, OTHER_PASSPORT)


def description(kind: str, issuer: str) -> str:
    """The object's description: ``passport (ROU)``, ``identity card (POL)``."""
    return f"{kind} ({issuer})"


@dataclass(frozen=True)
class Holdings:
    """The documents of a set of people, sorted by holder: parallel arrays of the holder's row,
    the issuer (an index into ``issuers``, which are distinct) and whether the document is an
    identity card (else a passport)."""

    owner: np.ndarray
    issuer_code: np.ndarray
    card: np.ndarray
    issuers: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.owner)

    @property
    def issuer(self) -> StrArray:
        """Each document's issuing country."""
        return np.asarray(np.array([*self.issuers, ""], dtype=object)[self.issuer_code], dtype=object)

    @property
    def kind(self) -> StrArray:
        """Each document's kind, :data:`PASSPORT` or :data:`IDENTITY_CARD`."""
        return np.asarray(np.where(self.card, IDENTITY_CARD, PASSPORT).astype(object), dtype=object)

    def _groups(self) -> tuple[np.ndarray, list[tuple[str, str]]]:
        """Each document's (issuer, kind) group number, and the groups."""
        groups = [(iss, kind) for iss in self.issuers for kind in (PASSPORT, IDENTITY_CARD)]
        return self.issuer_code * 2 + self.card, groups

    def descriptions(self) -> StrArray:
        """``passport (ROU)``, ``identity card (POL)``, ... per document."""
        code, groups = self._groups()
        table = np.array([description(kind, iss) for iss, kind in groups], dtype=object)
        return np.asarray(table[code], dtype=object)

    def numbers(self, rng: np.random.Generator, block: int) -> StrArray:
        """A number for each document, in random order within each pattern's ``block``."""
        out = np.empty(len(self), dtype=object)
        code, groups = self._groups()
        order = np.argsort(code, kind="stable")
        bounds = np.searchsorted(code[order], np.arange(len(groups) + 1))
        for g, (iss, kind) in enumerate(groups):
            rows = order[bounds[g] : bounds[g + 1]]
            if len(rows):
                fmt = number_format(iss, kind)
                out[rows] = fmt.render(fmt.index(block, rng.permutation(len(rows)), f"{iss}|{kind}"))
        return out


def holdings(rng: np.random.Generator, nationality: np.ndarray, nationalities: tuple[str, ...], age: np.ndarray,
             cfg: DocumentConfig) -> Holdings:
    """Which people hold which documents. ``nationality`` indexes the distinct codes
    ``nationalities`` (-1: unknown); ``age`` in years."""
    if len(set(nationalities)) != len(nationalities):
        raise ValueError(f"nationalities are not distinct: {nationalities}")
    code = np.asarray(nationality, dtype=np.int64)
    british = np.array([n == "GBR" for n in nationalities] + [False])[code]
    known = np.array([n != "" for n in nationalities] + [False])[code]
    issues_card = np.array([n in IDENTITY_CARDS for n in nationalities] + [False])[code]
    u = rng.random((2, len(code)))
    p_passport = np.where(british, np.where(np.asarray(age) >= 18, cfg.passport_british_adult, cfg.passport_british_child),
                          np.where(known, cfg.passport_foreign, 0.0))
    passport = np.flatnonzero(u[0] < p_passport)
    card = np.flatnonzero(issues_card & (u[1] < cfg.identity_card_eu))
    owner = np.concatenate([passport, card])
    is_card = np.concatenate([np.zeros(len(passport), dtype=bool), np.ones(len(card), dtype=bool)])
    order = np.argsort(owner, kind="stable")
    owner = owner[order].astype(np.int64)
    return Holdings(owner, code[owner], is_card[order], tuple(nationalities))


def nationality_codes(origins: StrArray, table: dict[str, str]) -> tuple[np.ndarray, tuple[str, ...]]:
    """The nationalities of name origins (``table``: origin -> code, ``''`` where unknown) as
    indices into their distinct codes (two origins may share a nationality)."""
    codes, uniques = pd.factorize(pd.Series(np.asarray(origins, dtype=object)))
    nats = [table.get(str(o), "") for o in uniques.tolist()]
    distinct = tuple(sorted(set(nats)))
    remap = np.array([distinct.index(n) for n in nats] + [-1], dtype=np.int64)
    return np.asarray(remap[codes], dtype=np.int64), distinct


def number(issuer: str, kind: str, block: int, rank: int) -> str:
    """One document number (a planted person's): rank ``rank`` of the pattern in ``block``."""
    fmt = number_format(issuer, kind)
    return str(fmt.render(fmt.index(block, np.array([rank]), f"{issuer}|{kind}"))[0])
