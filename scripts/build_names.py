#!/usr/bin/env python3
"""Build the long tail of british surnames of the synthetic generator.

The hand-written pools (``src/toex/synth/data/surnames.csv``) hold the real common
surnames, most common first. Real British surnames have a very long tail (tens of
thousands of rare names); the generator approximates it with names composed from
genuine English place-name elements: a first element (Ash, Brad, Whit...) and a
habitation or landscape ending (-ley, -ton, -ford, -worth...), the way surnames such
as Ashworth, Bradford or Whitfield were formed. Combinations that repeat a letter at
the join, repeat an element, spell an ordinary English word or are already a listed
surname are left out; the rest are put in a fixed pseudo-random order (so the rank
weights do not favour the start of the alphabet) and the first ones up to the target
pool size are written to ``src/toex/synth/data/surname_tail.csv``.

Re-running the script gives a byte-identical file; ``--check`` only compares.

    python scripts/build_names.py [--check]
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "toex" / "synth" / "data"
HAND = DATA / "surnames.csv"
TAIL = DATA / "surname_tail.csv"

#: british surnames in all (hand-written head + composed tail)
BRITISH_TOTAL = 2500
SEED = 20_240_611

def _words(text: str) -> list[str]:
    """A whitespace-separated list written as a block of text."""
    return text.split()


#: first elements of English place names (trees, colours, landforms, owners, directions)
FIRST = _words("""
Ash Ald Alder Arn Ather Bar Barn Bick Birk Black Blen Brad Bram Bran Brent Brom Brook Broom
Burn Cal Chad Chat Clay Cliff Cold Cole Crom Dal Dar Den Dun Eg Els Far Fen Fern Gar Gold Good
Grims Had Hal Ham Har Hart Haw Hazel Heath Hol Horn Kel Ken Kings Kirk Lang Lock Long Mar Mid
Mil Moor New North Oak Pen Rad Ram Raven Red Rock Rush Sal Sand Shel Sher Stan Stock Thorn Wal
War West Whit Wil Win Wool Wood Apple Cran Elm Ful Hen Lind Mel Ox Pick Shep Staple Sun Tad Wad
Wen Whin Bil Bur Ever Ing
""")

#: endings: clearing, farmstead, ford, wood, field, spring, hill, valley, homestead...
ENDING = _words("""
ley ton ford wood field by ham worth more well hurst den stead bury combe dale shaw bridge
brook cliffe land thorpe wick cote ridge ington
""")

#: compositions that spell ordinary words or read badly as a surname
NOT_SURNAMES = {
    "Woodland", "Moorland", "Heathland", "Farland", "Goodland", "Oakland", "Midland", "Hazelwood",
    "Redwood", "Goodwell", "Fernbrook", "Rockwood", "Goldfield", "Coldwell", "Fenland", "Pendale",
    "Redden", "Harden", "Warden", "Garden", "Golden", "Wooden", "Sandhurst", "Goodham",
    "Sunden", "Sunland", "Oxland", "Everland", "Everwood", "Wadden", "Ramden", "Coleley",
    "Kingsington", "Ingland", "Staplely", "Stapleley", "Apple", "Sunby",
}


def hand_names() -> set[str]:
    """Every surname of the hand-written pools (any origin)."""
    with HAND.open(encoding="utf-8", newline="") as f:
        return {row["name"] for row in csv.DictReader(f)}


def british_hand_count() -> int:
    with HAND.open(encoding="utf-8", newline="") as f:
        return sum(1 for row in csv.DictReader(f) if row["origin"] == "british")


def joins_well(first: str, ending: str) -> bool:
    """No doubled letter at the join (Hart+ton), no repeated element (Wood+wood), no
    vowel clash (Alder+ey never happens: every ending starts with a consonant)."""
    if first[-1].lower() == ending[0]:
        return False
    if first.lower().endswith(ending) or ending.startswith(first.lower()):
        return False
    # three consonants in a row across the join read badly (Brentbridge, Kirkcombe)
    consonants = set("bcdfghjklmnpqrstvwxz")
    tail = first[-2:].lower()
    return not (all(c in consonants for c in tail) and ending[0] in consonants and ending[1] in consonants)


def compositions() -> list[str]:
    """Every acceptable first element + ending, in a fixed order."""
    out = []
    for first in FIRST:
        for ending in ENDING:
            name = first + ending
            if joins_well(first, ending) and name not in NOT_SURNAMES:
                out.append(name)
    return sorted(set(out))


def tail() -> list[str]:
    """The composed surnames to add, in rank order."""
    listed = hand_names()
    pool = [n for n in compositions() if n not in listed]
    order = np.random.default_rng(SEED).permutation(len(pool))
    want = BRITISH_TOTAL - british_hand_count()
    if want > len(pool):
        raise SystemExit(f"only {len(pool)} compositions for {want} tail surnames")
    return [pool[i] for i in order[:want]]


def render(names: list[str]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["origin", "name"])
    writer.writerows(["british", n] for n in names)
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the stored file differs")
    args = parser.parse_args(argv)
    text = render(tail())
    if args.check:
        current = TAIL.read_text(encoding="utf-8") if TAIL.exists() else ""
        if current != text:
            print(f"{TAIL} is out of date: run scripts/build_names.py", file=sys.stderr)
            return 1
        return 0
    TAIL.write_text(text, encoding="utf-8")
    print(f"{TAIL}: {text.count(chr(10)) - 1} surnames")
    return 0


if __name__ == "__main__":
    sys.exit(main())
