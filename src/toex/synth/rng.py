"""Deterministic random streams: one ``numpy.random.Generator`` per (seed, keys...).

Each force and each purpose gets its own stream, so the output of one force does
not depend on how many draws another force made (the national scale streams force
by force and stays byte-identical for a seed).
"""

from __future__ import annotations

import zlib

import numpy as np


def key_of(text: str) -> int:
    """A stable 32-bit number for a string (Python's ``hash`` is salted per process)."""
    return zlib.crc32(text.encode("utf-8"))


def rng_for(seed: int, *keys: str) -> np.random.Generator:
    """The generator for ``seed`` and a path of purpose keys, e.g. ``("suffolk", "offences")``."""
    entropy = [int(seed) & 0xFFFFFFFF, *(key_of(k) for k in keys)]
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(entropy)))
