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


def test_network_says_what_is_withheld_and_why(mock_server: str) -> None:
    """A force analyst is told which members are withheld, and for which reason, not just 'outside your scope'."""
    from tests.web.flow import VIEWPORT
    from tests.web.journey import PURPOSE, _login

    with playwright.sync_playwright() as pw:
        browser = launch(pw)
        try:
            page = browser.new_context(viewport=VIEWPORT).new_page()
            page.set_default_timeout(30_000)
            for username, partial in (("wmanalyst", True), ("analyst", False)):
                _login(page, mock_server, username, "demo")
                page.goto(f"{mock_server}/#/network/N-0001")
                if page.locator("#purpose-input").count():
                    page.fill("#purpose-input", PURPOSE)
                    page.click("text=Use this purpose")
                section = page.locator("section:has(h2:has-text('Score breakdown'))")
                section.wait_for()
                text = section.inner_text()
                if partial:
                    assert "2 members outside your scope" in text, text
                    assert "1 member known only from handling code C intelligence" in text, text
                    assert "clearance" not in text.replace("not cleared", ""), text
                    assert "lies outside your scope" not in text, text
                else:
                    assert "Withheld" not in text and "harm" in text, text
                page.click("text=Sign out")
                page.wait_for_selector("#username")
        finally:
            browser.close()
