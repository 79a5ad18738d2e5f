"""Every knob of ``toex resolve`` in one frozen pydantic model.

Thresholds are match probabilities from the Fellegi-Sunter model (0..1). The
defaults were chosen on toex's synthetic data (docs/resolution.md shows the
measurements); a force can pass its own through the CLI options.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

#: Candidate pairs for prediction. Each rule is an equi-join so no rule compares
#: all pairs; together they catch every error pattern the comparisons score
#: (a typo in one name is caught by the rules that do not use that name, a
#: swap by the swap rule, a wrong date of birth by the name rule, ...).
DEFAULT_BLOCKING: tuple[str, ...] = (
    "l.pnc = r.pnc",
    "l.fn1_key = r.fn1_key AND l.sn_key = r.sn_key",
    "l.sn_key = r.sn_key AND l.dob = r.dob",
    "l.fn1_key = r.fn1_key AND l.dob = r.dob",
    "l.fn1_key = r.sn_key AND l.sn_key = r.fn1_key",
    "l.sn_key = r.sn_key AND l.dob_year = r.dob_year",
    "l.fn1_key = r.fn1_key AND l.dob_year = r.dob_year AND left(l.sn, 2) = left(r.sn, 2)",
    "left(l.sn, 3) = left(r.sn, 3) AND left(l.fn1, 1) = left(r.fn1, 1) AND l.dob_year = r.dob_year",
    "l.dob = r.dob AND left(l.sn, 1) = left(r.sn, 1)",
)

#: Rules whose pairs are near-certain matches, for the prior (probability that
#: two random records match) and the recall assumed for them.
DETERMINISTIC_RULES: tuple[str, ...] = (
    "l.pnc = r.pnc",
    "l.fn1_key = r.fn1_key AND l.sn_key = r.sn_key AND l.dob = r.dob",
)


class ResolveConfig(BaseModel):
    """Thresholds, blocking and clustering safeguards of one resolve run."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    threshold: float = Field(0.8, gt=0, lt=1, description="Pairs at or above this match probability are linked.")
    review_floor: float = Field(0.5, gt=0, lt=1, description="Pairs from here up to the threshold are near misses: kept and sent to review.")
    keep_floor: float = Field(0.01, gt=0, lt=1, description="Scored pairs below this probability are not kept.")
    strong: float = Field(0.9999, gt=0, lt=1, description="A single link at or above this can join two groups of records on its own.")
    bridge_density: float = Field(
        0.5, ge=0, le=1,
        description="Two groups of 2+ records joined only by links below `strong` merge only when this share of their "
        "record pairs scored at least `review_floor` (stops chains through one weak bridge).",
    )
    big_cluster: int = Field(12, ge=2, description="Person entities with more records than this are flagged for review.")
    blocking_rules: tuple[str, ...] = DEFAULT_BLOCKING
    deterministic_rules: tuple[str, ...] = DETERMINISTIC_RULES
    deterministic_recall: float = Field(0.8, gt=0, le=1, description="Assumed recall of the deterministic rules (for the prior).")
    u_max_pairs: int = Field(2_000_000, ge=10_000, description="Random pairs sampled to estimate u probabilities.")
    em_rules: tuple[str, ...] = Field(
        ("l.pnc = r.pnc", "l.dob = r.dob"),
        description="Blocking of the expectation-maximisation sessions: pairs sharing a PNC id are nearly all matches, "
        "so they teach every other comparison's m; pairs sharing a date of birth then teach the PNC comparison.",
    )
    seed: int = 42
