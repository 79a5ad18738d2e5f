"""Every knob of ``toex resolve`` in one frozen pydantic model.

Thresholds are match probabilities from the Fellegi-Sunter model (0..1). The
defaults were chosen on toex's synthetic data (docs/resolution.md shows the
measurements); a force can pass its own through the CLI options.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from toex.resolve.comparisons import REFUSE_ALL
from toex.resolve.features import BLOCK_CAP, block_join

#: Refinements of a name + birth year block that is too big: more of the date of birth (a month-only date of birth
#: is caught by the month; a wrong month or a wrong day by the other; both wrong together is lost).
_MORE_DOB = ("l.dob_month = r.dob_month", "l.dob_day = r.dob_day", "(l.dob_month IS NULL OR r.dob_month IS NULL)")


def _capped(cap: int, count: str, *refinements: str, where: str = "") -> tuple[str, tuple[str, ...]]:
    """A blocking rule whose blocks stay small as the data grows, as (whole blocks, refinements). It joins records
    on the key of ``count`` (``features.BLOCK_KEYS``; the match table's column ``count`` holds each record's block
    size), with the further condition ``where``: a block of at most ``cap`` records is compared whole; a bigger one
    only within each refinement (the join AND the refinement). A fixed key (a name and a birth year, a date of birth
    and an initial) is shared by more records as the population grows, so without the cap its pairs grow with the
    square of the data; with it they grow linearly."""
    block = block_join(count) + (f" AND {where}" if where else "")
    small = f"l.{count} <= {cap} AND r.{count} <= {cap}"
    big = f"l.{count} > {cap} AND r.{count} > {cap}"
    return f"{block} AND {small}", tuple(f"{block} AND {refined} AND {big}" for refined in refinements)


def blocking_rules(cap: int = BLOCK_CAP) -> tuple[str, ...]:
    """The default blocking rules, blocks capped at ``cap`` records (:func:`_capped`).

    The order is a cost, not a meaning: Splink keeps each pair once by excluding from every rule's pairs those of
    all the rules before it (``AND NOT (rule 1 OR rule 2 ...)``), so each rule's candidates are tested against every
    earlier rule. The rules that propose the most pairs go first and the narrow ones (refinements of big blocks,
    swaps, a shared document) last: at 1M records blocking took 7.2 s in this order and 12.1 s with the two
    rare-name rules last (the same pairs either way)."""
    ny, ny_big = _capped(cap, "ny_n", *_MORE_DOB)
    nd, nd_big = _capped(cap, "nd_n", "floor(l.dob_year / 10) = floor(r.dob_year / 10)", "l.dob_year % 10 = r.dob_year % 10")
    sd, sd_big = _capped(cap, "sd_n", "left(l.fn1, 1) = left(r.fn1, 1)")
    fd, fd_big = _capped(cap, "fd_n", "left(l.sn, 1) = left(r.sn, 1)")
    py, py_big = _capped(cap, "py_n", *_MORE_DOB)
    st, st_big = _capped(cap, "st_n", "l.sn_key = r.sn_key", where="(len(l.postcodes) = 0 OR len(r.postcodes) = 0)")
    fy, fy_big = _capped(cap, "fy_n", *_MORE_DOB)
    sp, sp_big = _capped(cap, "sp_n", "left(l.fn1, 1) = left(r.fn1, 1)", "l.dob_year = r.dob_year")
    broad = (
        "l.bld1 = r.bld1", fy, py,
        "l.ph_rare = r.ph_rare AND (l.dob_year IS NULL OR r.dob_year IS NULL)",
        ny,
        "l.dob = r.dob AND left(l.sn, 1) = left(r.sn, 1) AND left(l.fn1, 1) = left(r.fn1, 1)",
        "l.nm_rare = r.nm_rare AND (l.dob_year IS NULL OR r.dob_year IS NULL)",
        fd, sd, nd, "l.pnc = r.pnc", "l.ph1 = r.ph1", st,
    )
    narrow = (
        "l.fn1_key = r.sn1_key AND l.sn1_key = r.fn1_key AND l.dob_year = r.dob_year",
        "l.fn1_key = r.sn1_key AND l.sn1_key = r.fn1_key AND l.dob_month = r.dob_month AND l.dob_day = r.dob_day",
        "l.fn1_key = r.sn1_key AND l.sn1_key = r.fn1_key AND (l.dob_year IS NULL OR r.dob_year IS NULL) "
        "AND l.nm_rare IS NOT NULL AND r.nm_rare IS NOT NULL",
        *fy_big, *py_big, *st_big, *ny_big, "l.doc1 = r.doc1", *fd_big, *sd_big, *nd_big,
        # one home postcode: with the surname (the forename mistyped or replaced, the building number wrong), or with
        # the date of birth (both names mistyped, or swapped with a typo)
        sp, "l.pc1 = r.pc1 AND l.dob = r.dob", *sp_big,
    )
    return broad + narrow


#: Candidate pairs for prediction. Each rule is an equi-join so no rule compares
#: all pairs, and each is narrow: a common name ('Jack Smith') is never a block on
#: its own, only with part of the date of birth, or when one record has no date of
#: birth and the name is rare (``nm_rare``/``ph_rare``, see ``features.RARE_NAME``);
#: and no block grows with the data (:func:`_capped`).
#: Together they catch every error pattern the comparisons score: a wrong date of
#: birth by the name + year / name + day-month rules, a typo in one name by the
#: rules on the other name, typos or spellings in both names by the phonetic keys,
#: a swap by the swap rules, anything else by a shared home (building, or street address
#: when one record has no postcode: on its own the street address is coarse, one 'High Street'
#: per district of a city), phone, identity document or PNC id.
DEFAULT_BLOCKING: tuple[str, ...] = blocking_rules()

#: Rules whose pairs are near-certain matches, for the prior (probability that
#: two random records match) and the recall assumed for them.
DETERMINISTIC_RULES: tuple[str, ...] = (
    "l.pnc = r.pnc",
    "l.fn1_key = r.fn1_key AND l.sn_key = r.sn_key AND l.dob = r.dob",
)


class ResolveConfig(BaseModel):
    """Thresholds, blocking and clustering safeguards of one resolve run."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    threshold: float = Field(
        0.5, gt=0, lt=1, description="Pairs at or above this match probability are linked: more likely one person than "
        "two (the F1-optimal threshold of well-calibrated probabilities is about half the F1 reached).")
    review_floor: float = Field(0.25, gt=0, lt=1, description="Pairs from here up to the threshold are near misses: kept and sent to review.")
    keep_floor: float = Field(0.01, gt=0, lt=1, description="Scored pairs below this probability are not kept.")
    strong: float = Field(0.9999, gt=0, lt=1, description="A single link at or above this can join two groups of records on its own.")
    bridge_density: float = Field(
        0.5, ge=0, le=1,
        description="Two groups of 2+ records joined only by links below `strong` merge only when this share of their "
        "record pairs scored at least `review_floor` (stops chains through one weak bridge).",
    )
    names_alone: bool = Field(
        False, description="Link pairs that agree on names alone (no date of birth on one side, no shared PNC id, "
        "phone or address). Off: people named alike are common, so such pairs go to review instead.")
    refuse: tuple[str, ...] = Field(
        REFUSE_ALL,
        description="Contradictions that refuse a link whatever the rest of the evidence: different PNC ids, different "
        "sex, dates of birth two or more years apart, forenames that share nothing (docs/resolution.md, 'Clustering "
        "safeguards'). Leaving one out lets the model's weights decide such pairs (they still count against a "
        "match); on police data twins and people holding others' documents look exactly like those pairs.")
    big_cluster: int = Field(12, ge=2, description="Person entities with more records than this are flagged for review.")

    @field_validator("refuse")
    @classmethod
    def _known_contradictions(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = sorted(set(value) - set(REFUSE_ALL))
        if unknown:
            raise ValueError(f"{', '.join(unknown)}: not a contradiction (one of {', '.join(REFUSE_ALL)})")
        return value

    @property
    def allowed(self) -> tuple[str, ...]:
        """The contradictions this run leaves to the model's weights (``toex resolve --allow``)."""
        return tuple(name for name in REFUSE_ALL if name not in self.refuse)
    blocking_rules: tuple[str, ...] = DEFAULT_BLOCKING
    deterministic_rules: tuple[str, ...] = DETERMINISTIC_RULES
    deterministic_recall: float = Field(0.8, gt=0, le=1, description="Assumed recall of the deterministic rules (for the prior).")
    u_max_pairs: int = Field(2_000_000, ge=10_000, description="Random pairs sampled to estimate u probabilities.")
    em_rules: tuple[str, ...] = Field(
        ("l.pnc = r.pnc", "l.fn1 = r.fn1 AND l.sn = r.sn AND l.nm_count <= 6 AND r.nm_count <= 6"),
        description="Blocking of the expectation-maximisation sessions: pairs sharing a PNC id are nearly all matches, "
        "so they teach every other comparison's m; pairs sharing a very rare name (six records or fewer) then teach the "
        "PNC comparison, and the date of birth, phone and address again on every kind of source (sources that record "
        "no PNC id, such as the companies register with month-only dates of birth, are missing from the first).",
    )
    em_fallback: str = Field(
        "l.dob = r.dob",
        description="Blocking of an expectation-maximisation session run first when one of `em_rules` finds no pair "
        "(records with no PNC ids at all): pairs born the same day teach the names, sex, phone and address.")
    m_floor: float = Field(
        1e-4, gt=0, lt=0.1, description="m probability given to a comparison level never seen among the training "
        "matches (e.g. a date of birth a year out when no source in training had one): it counts against a match.")
    seed: int = 42
