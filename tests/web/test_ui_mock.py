"""The web front end against the mock API (tests/web/mock_api.py): every page
renders without script errors, passes the accessibility checks, and the journey
works. Independent of the back end's progress; the real stack is tested in
test_e2e.py."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.web.flow import ROOT, free_port, launch, planted_child, wait_http

pytestmark = pytest.mark.e2e
playwright = pytest.importorskip("playwright.sync_api", reason="playwright not installed (pip install -e '.[dev]')")
if not Path("/usr/bin/chromium").exists():
    pytest.skip("Debian chromium missing (make system-deps)", allow_module_level=True)


@pytest.fixture(scope="module")
def truth(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from toex.synth import generate

    out = tmp_path_factory.mktemp("synth")
    generate(out, scale="tiny", seed=1)
    return out / "truth"


@pytest.fixture(scope="module")
def mock_server(truth: Path) -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "tests.web.mock_api", str(truth), str(port)], cwd=ROOT)
    try:
        wait_http(f"http://127.0.0.1:{port}/", proc=proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(10)


def test_journey_on_mock(mock_server: str, truth: Path) -> None:
    from tests.web.journey import run_journey

    users = {"analyst": ("analyst", "demo"), "tasking": ("tasking", "demo"), "supervisor": ("supervisor", "demo")}
    child = planted_child(truth)
    with playwright.sync_playwright() as pw:
        browser = launch(pw)
        try:
            j = run_journey(browser, mock_server, users, child, prefix="mock-")
        finally:
            browser.close()
    assert not j.errors, j.errors
    assert {k: v for k, v in j.a11y.items() if v} == {}
    assert j.task_id and j.network_id and j.entity_id
