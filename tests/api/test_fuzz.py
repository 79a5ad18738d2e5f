"""Schemathesis against the OpenAPI document: generated requests never cause a server error.

Bounded (a few examples per operation) so it runs in the normal test suite;
for a longer run: ``TOEX_FUZZ_EXAMPLES=200 pytest tests/api/test_fuzz.py``.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.checks import not_a_server_error  # noqa: E402
from tests.api.world import make_world  # noqa: E402

WORLD = make_world()
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", WORLD.client.app)
EXAMPLES = int(os.environ.get("TOEX_FUZZ_EXAMPLES", "5"))


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_server_errors(case: object) -> None:
    user = "national" if "logout" not in case.path else "met"  # type: ignore[attr-defined]
    response = case.call(headers=WORLD.headers(user))  # type: ignore[attr-defined]
    case.validate_response(response, checks=(not_a_server_error,))  # type: ignore[attr-defined]
