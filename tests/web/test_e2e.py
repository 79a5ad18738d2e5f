"""End to end in headless Chromium against the real stack: the pipeline on the
small synthetic dataset, the demo users, `toex serve` on a free loopback port,
then the journey (tests/web/journey.py): log in, search a planted child by a
misspelled name, open the profile and the network, approve a task as the
tasking authority, and check the audit trail recorded each step. Screenshots
of every page go to artifacts/screenshots/ (prefix `e2e-`).

Skips, with the reason, while a stage or the API is not there yet.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from tests.web.flow import ROOT, api, free_port, launch, planted_child, wait_http

pytestmark = pytest.mark.e2e
playwright = pytest.importorskip("playwright.sync_api", reason="playwright not installed (pip install -e '.[dev]')")
if not Path("/usr/bin/chromium").exists():
    pytest.skip("Debian chromium missing (make system-deps)", allow_module_level=True)


@dataclass
class Stack:
    base: str
    users: dict[str, tuple[str, str]]
    truth: Path


def _stage(module: str, name: str) -> Any:
    import importlib

    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as exc:
        pytest.skip(f"pipeline stage not there yet: {module}.{name} ({exc})")


def _build_store(root: Path) -> tuple[Path, Path, list[tuple[str, str, str, str]]]:
    generate = _stage("toex.synth", "generate")
    open_store = _stage("toex.store", "open_store")
    ingest, plan = _stage("toex.ingest", "ingest"), _stage("toex.ingest", "plan")
    resolve = _stage("toex.resolve", "resolve")
    analyse = _stage("toex.detect.run", "analyse")
    run_assess = _stage("toex.assess", "run_assess")
    generate_tasks = _stage("toex.task", "generate_tasks")
    create_demo_users = _stage("toex.api.auth", "create_demo_users")
    if shutil.which("toex", path=str(Path(sys.executable).parent)) is None:
        pytest.skip("the toex console script is not installed in this environment")
    generate(root / "synth", scale="small", seed=1)
    path = root / "store.duckdb"
    store = open_store(path)
    try:
        ingest(store, plan([root / "synth" / "dataset"]), actor="e2e")
        resolve(store)
        analyse(store, actor="e2e")
        run_assess(store, actor="e2e")
        generate_tasks(store, actor="e2e")
        users = create_demo_users(store)
    finally:
        store.close()
    return path, root / "synth" / "truth", users


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    help_text = subprocess.run([str(Path(sys.executable).parent / "toex"), "serve", "--help"],
                               capture_output=True, text=True, cwd=ROOT)
    if help_text.returncode != 0:
        pytest.skip("`toex serve` is not there yet")
    root = tmp_path_factory.mktemp("e2e")
    store, truth, made = _build_store(root)
    by_role: dict[str, tuple[str, str]] = {}
    for username, password, role, scope in made:
        key = {"analyst": "analyst", "supervisor": "supervisor", "tasking": "tasking", "admin": "admin"}.get(role, role)
        # national scope wins for the analyst (the child may be anywhere); the first of each other role
        if key not in by_role or (key == "analyst" and scope == "national"):
            by_role[key] = (username, password)
    users = {"analyst": by_role["analyst"], "tasking": by_role["tasking"],
             "supervisor": by_role.get("admin", by_role["supervisor"])}  # national audit view
    port = free_port()
    env = {**os.environ, "TOEX_STORE": str(store)}
    log = (root / "serve.log").open("w")
    proc = subprocess.Popen([str(Path(sys.executable).parent / "toex"), "serve", "--store", str(store),
                             "--host", "127.0.0.1", "--port", str(port)],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_http(f"http://127.0.0.1:{port}/", timeout=120, proc=proc)
        yield Stack(f"http://127.0.0.1:{port}", users, truth)
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _audit(base: str, token: str, pages: int = 20) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for page in range(1, pages + 1):
        got = api(base, "GET", f"/audit?page={page}&page_size=200", token)
        items = got["items"] if isinstance(got, dict) else got
        out.extend(items)
        if not items or (isinstance(got, dict) and len(out) >= got.get("total", 0)):
            break
    return out


def _recorded(entries: list[dict[str, Any]], actor: str, *needles: str) -> bool:
    return any(e.get("actor") == actor and all(n in json.dumps(e, default=str) for n in needles) for e in entries)


def test_journey_real_stack(stack: Stack) -> None:
    from tests.web.journey import PURPOSE, run_journey

    child = planted_child(stack.truth)
    with playwright.sync_playwright() as pw:
        browser = launch(pw)
        try:
            j = run_journey(browser, stack.base, stack.users, child, prefix="e2e-")
        finally:
            browser.close()
    assert not j.errors, j.errors
    assert {k: v for k, v in j.a11y.items() if v} == {}

    # the audit trail recorded each step, with the user, the purpose and the ids
    token = api(stack.base, "POST", "/auth/login", body={"username": stack.users["supervisor"][0],
                                                         "password": stack.users["supervisor"][1]})["token"]
    entries = _audit(stack.base, token)
    analyst, tasking = stack.users["analyst"][0], stack.users["tasking"][0]
    missing = [step for step, ok in [
        ("search with purpose", _recorded(entries, analyst, PURPOSE, "search")),
        (f"profile {j.entity_id}", _recorded(entries, analyst, PURPOSE, j.entity_id)),
        (f"network {j.network_id}", _recorded(entries, analyst, PURPOSE, j.network_id)),
        (f"approval of {j.task_id}", _recorded(entries, tasking, j.task_id, "approved")),
    ] if not ok]
    assert not missing, f"not in the audit trail: {missing}; last entries: {entries[:15]}"
    verify = api(stack.base, "GET", "/audit/verify", token)
    assert verify.get("ok", verify.get("valid", True)) is not False, verify
