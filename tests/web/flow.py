"""Browser helpers shared by the end-to-end tests: Debian's chromium through
Playwright (never `playwright install`), screenshots and accessibility checks."""

from __future__ import annotations

import csv
import json
import socket
import time
import urllib.request
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
VIEWPORT = {"width": 1366, "height": 768}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_http(url: str, timeout: float = 60.0, proc: Any = None) -> None:
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except Exception as exc:  # noqa: BLE001 - any failure means not up yet
            last = exc
            time.sleep(0.3)
    raise TimeoutError(f"{url} not up after {timeout}s: {last}")


def api(base: str, method: str, path: str, token: str | None = None, body: Any = None,
        purpose: str | None = None) -> Any:
    headers = {"Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if purpose:
        headers["X-Toex-Purpose"] = purpose
    data = None
    if body is not None:
        headers["Content-Type"] = "application/json"
        data = json.dumps(body).encode()
    req = urllib.request.Request(base + "/api/v1" + path, data=data, headers=headers, method=method)
    with urllib.request.urlopen(req, timeout=30) as r:
        raw = r.read()
        return json.loads(raw) if raw else None


def misspell(name: str) -> str:
    """A typical keying error: swap two letters in the middle of the word (Doherty -> Dohetry)."""
    if len(name) < 4:
        return name + name[-1]
    i = len(name) // 2
    return name[:i - 1] + name[i] + name[i - 1] + name[i + 1:]


def truth_end_date(truth: Path) -> date:
    manifest = json.loads((truth / "manifest.json").read_text(encoding="utf-8"))
    return date.fromisoformat(str(manifest.get("config", {}).get("end_date", "2024-06-30")))


def planted_child(truth: Path, as_of: date | None = None) -> dict[str, str]:
    """A child (at the dataset's end date) on the truth safeguarding list of a planted network."""
    as_of = as_of or truth_end_date(truth)
    persons = {r["entity_id"]: r for r in csv.DictReader((truth / "persons.csv").open(encoding="utf-8"))}
    for row in csv.DictReader((truth / "safeguarding.csv").open(encoding="utf-8")):
        p = persons.get(row["entity_id"])
        if not p or not p.get("dob"):
            continue
        y, m, d = (int(x) for x in p["dob"][:10].split("-"))
        age = as_of.year - y - ((as_of.month, as_of.day) < (m, d))
        if age < 18 and len(p["surname"]) >= 4:
            return {**p, "network": row["network_id"], "age": str(age)}
    raise LookupError("no planted child in the truth")


A11Y_JS = """
() => {
  const problems = [];
  const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  const named = (el) => (el.getAttribute('aria-label') || '').trim() || el.getAttribute('aria-labelledby') || el.getAttribute('title');
  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (el.type === 'hidden' || !visible(el)) continue;
    if (!(el.labels && el.labels.length) && !named(el)) problems.push('input without a label: ' + (el.id || el.name || el.outerHTML.slice(0, 80)));
  }
  for (const el of document.querySelectorAll('button, a[href]')) {
    if (!visible(el)) continue;
    if (!el.textContent.trim() && !named(el)) problems.push('control without a name: ' + el.outerHTML.slice(0, 80));
  }
  for (const el of document.querySelectorAll('img')) if (!el.hasAttribute('alt')) problems.push('img without alt');
  for (const el of document.querySelectorAll('svg[role="img"], canvas, .cy')) {
    const host = el.closest('[aria-label]');
    if (!named(el) && !host) problems.push('chart or map without aria-label: ' + el.outerHTML.slice(0, 80));
  }
  for (const el of document.querySelectorAll('svg:not([aria-hidden="true"]):not([role="img"])')) {
    if (!el.closest('[aria-hidden="true"], [role="img"], [aria-label]')) problems.push('svg neither labelled nor hidden: ' + el.outerHTML.slice(0, 80));
  }
  const banners = [...document.querySelectorAll('.classification')].map((b) => b.textContent.trim());
  if (!banners.includes('OFFICIAL-SENSITIVE')) problems.push('no OFFICIAL-SENSITIVE banner');
  if (!document.querySelector('h1')) problems.push('no h1');
  if (!document.documentElement.lang) problems.push('no lang on html');
  return problems;
}
"""


def check_a11y(page: Any, signed_in: bool = True) -> list[str]:
    problems: list[str] = page.evaluate(A11Y_JS)
    if signed_in and not page.locator("[data-testid=signed-in-user]").is_visible():
        problems.append("signed-in user not shown")
    return problems


def focus_ring_visible(page: Any) -> bool:
    """Tab from the top of the page and check the focused element draws a focus indicator."""
    page.locator("body").click(position={"x": 1, "y": 1})
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    return bool(page.evaluate(
        """() => { const el = document.activeElement; if (!el || el === document.body) return false;
                   const s = getComputedStyle(el);
                   return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== 'none'; }"""
    ))


def shot(page: Any, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def launch(playwright: Any) -> Any:
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
