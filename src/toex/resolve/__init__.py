"""Entity resolution: person, location, object and organisation records into entities.

People are linked probabilistically (Splink, Fellegi-Sunter, unsupervised) and
clustered with safeguards against chaining; places, objects and organisations
by normalised keys. Every link can be explained and corrected by an analyst.
"""

from __future__ import annotations

from toex.resolve.config import ResolveConfig
from toex.resolve.explain import Explanation, explain
from toex.resolve.review import decide, queue
from toex.resolve.run import ResolveSummary, resolve

__all__ = ["Explanation", "ResolveConfig", "ResolveSummary", "decide", "explain", "queue", "resolve"]
