"""The assess stage: a ranked, explained threat picture from the detected networks.

Reads the detect and resolve tables; writes ``network_scores``,
``score_overrides`` (analyst decisions, never cleared), ``safeguarding_list``,
``alerts`` and ``picture_snapshots``. See docs/assessment.md.
"""

from toex.assess.config import DIMENSIONS, Weights, load_weights
from toex.assess.overrides import OverrideError, set_override, withdraw_override
from toex.assess.run import AssessResult, run_assess

__all__ = [
    "DIMENSIONS",
    "AssessResult",
    "OverrideError",
    "Weights",
    "load_weights",
    "run_assess",
    "set_override",
    "withdraw_override",
]
