"""The end-to-end journey through the web front end, shared by the tests against
the real API and against the mock: log in, search a planted child by a
misspelled name, open the profile and the network, approve a task as the
tasking authority, read the audit trail; a screenshot of every page."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from tests.web.flow import VIEWPORT, check_a11y, focus_ring_visible, misspell, shot

PURPOSE = "OP-E2E/2026-001 safeguarding review"


@dataclass
class Journey:
    query: str = ""
    entity_id: str = ""
    network_id: str = ""
    task_id: str = ""
    shots: list[str] = field(default_factory=list)
    a11y: dict[str, list[str]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def _login(page: Any, base: str, username: str, password: str) -> None:
    page.goto(base + "/#/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("form button[type=submit]")
    page.wait_for_selector("text=National picture", timeout=30_000)


def _logout(page: Any) -> None:
    page.click("text=Sign out")
    page.wait_for_selector("#username", timeout=15_000)


def _page(j: Journey, page: Any, name: str, signed_in: bool = True) -> None:
    j.shots.append(str(shot(page, name)))
    j.a11y[name] = check_a11y(page, signed_in)


def run_journey(browser: Any, base: str, users: dict[str, tuple[str, str]], child: dict[str, str],
                prefix: str) -> Journey:
    j = Journey()
    ctx = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    page = ctx.new_page()
    page.set_default_timeout(30_000)
    page.on("pageerror", lambda e: j.errors.append(f"pageerror: {e}"))
    page.on("console", lambda m: j.errors.append(f"console: {m.text}") if m.type == "error" else None)
    # no request may leave the machine: everything is served by toex
    page.on("request", lambda r: j.errors.append(f"remote request: {r.url}")
            if not r.url.startswith(base) and not r.url.startswith(("data:", "blob:")) else None)

    page.goto(base + "/")
    page.wait_for_selector("#username")
    _page(j, page, f"{prefix}01-login", signed_in=False)

    # 1. log in as an analyst; the dashboard
    _login(page, base, *users["analyst"])
    page.wait_for_selector("svg.ewmap path", timeout=30_000)
    _page(j, page, f"{prefix}02-dashboard")
    if not focus_ring_visible(page):
        j.a11y[f"{prefix}02-dashboard"].append("no visible focus indicator after Tab")

    # 2. search the planted child by a misspelled name (purpose asked first)
    page.click("nav >> text=Search")
    page.fill("#purpose-input", PURPOSE)
    page.click("text=Use this purpose")
    j.query = f"{child['forenames'].split()[0]} {misspell(child['surname'])}"
    page.fill("#q", j.query)
    page.select_option("#type", "person")
    page.click("form[role=search] button[type=submit]")
    page.wait_for_selector(".results li, .no-results", timeout=30_000)
    _page(j, page, f"{prefix}03-search")
    items = page.locator(".results li")
    texts = [items.nth(i).inner_text() for i in range(items.count())]
    want = child["surname"].lower()
    # the right person among namesakes: same surname and the date of birth shown in the hit
    hit = next((i for i, t in enumerate(texts) if want in t.lower() and child["dob"][:10] in t), None)
    if hit is None:
        hit = next((i for i, t in enumerate(texts) if want in t.lower()), None)
    assert hit is not None, f"search {j.query!r} did not find {child['forenames']} {child['surname']}: {texts}"
    links = page.locator(".results li a.result-link")

    # 3. the profile: a child is shown as a potential victim with the safeguarding route
    links.nth(hit).click()
    page.wait_for_selector("text=Source records", timeout=30_000)
    j.entity_id = re.sub(r"^.*#/entity/([^?]+).*$", r"\1", page.url)
    assert page.locator(".safeguard-callout .victim-badge").first.is_visible(), "child not shown as a potential victim"
    assert "Safeguarding route" in page.locator(".safeguard-callout").inner_text()
    _page(j, page, f"{prefix}04-profile")

    # 4. the network: link chart with roles, time slider, expand
    page.locator("a:has-text('Open network')").first.click()
    page.wait_for_selector(".cy canvas", timeout=30_000)
    page.wait_for_function("() => window.__toexCy && window.__toexCy.nodes().length > 0", timeout=30_000)
    page.wait_for_timeout(800)
    j.network_id = re.sub(r"^.*#/network/([^/?]+).*$", r"\1", page.url)
    _page(j, page, f"{prefix}05-network")
    visible = "() => window.__toexCy.edges().filter(e => !e.hasClass('hidden')).length"
    all_edges = page.evaluate(visible)
    slider = page.locator("#t-from")
    if slider.count():
        slider.evaluate("(el) => { el.value = el.max; el.dispatchEvent(new Event('input', { bubbles: true })); }")
        page.wait_for_timeout(300)
        assert page.evaluate(visible) <= all_edges
        page.click("text=All time")
        page.wait_for_timeout(300)
        assert page.evaluate(visible) == all_edges
    before = page.evaluate("() => window.__toexCy.nodes().length")
    page.locator(".cy").focus()
    page.keyboard.press("ArrowRight")
    page.click("text=Expand selected")
    page.wait_for_selector("#chart-status:has-text('Expand')", timeout=30_000)
    page.wait_for_timeout(500)
    assert page.evaluate("() => window.__toexCy.nodes().length") >= before
    _page(j, page, f"{prefix}06-network-expanded")

    # 5. map view of the network
    page.click("text=Map view of this network")
    page.wait_for_selector(".placesmap svg", timeout=30_000)
    _page(j, page, f"{prefix}07-network-map")

    for name in ("safeguarding", "alerts", "networks"):
        page.goto(f"{base}/#/{name}")
        page.wait_for_selector("h1", timeout=30_000)
        page.wait_for_selector(".loading", state="detached", timeout=30_000)
        _page(j, page, f"{prefix}08-{name}")

    # 6. approve a task as the tasking authority
    _logout(page)
    _login(page, base, *users["tasking"])
    page.goto(f"{base}/#/tasks?network={j.network_id}")
    page.wait_for_selector(".board", timeout=30_000)
    proposed = page.locator("section.column:has(h2#col-proposed) li.card")
    if proposed.count() == 0:  # no proposed task for this network: take any
        page.goto(f"{base}/#/tasks")
        page.wait_for_selector(".board")
        proposed = page.locator("section.column:has(h2#col-proposed) li.card")
    assert proposed.count() > 0, "no proposed task to approve"
    _page(j, page, f"{prefix}09-tasks")
    card = proposed.first
    j.task_id = card.get_attribute("data-task") or ""
    card.locator("button:has-text('Approve')").click()
    page.wait_for_selector(f"section.column:has(h2#col-approved) li.card[data-task='{j.task_id}']", timeout=30_000)
    _page(j, page, f"{prefix}10-tasks-approved")

    # 7. the audit trail as a supervisor
    _logout(page)
    _login(page, base, *users["supervisor"])
    page.goto(f"{base}/#/audit")
    page.wait_for_selector("table.audit", timeout=30_000)
    page.click("text=Verify the chain")
    page.wait_for_selector("[data-testid=verify-result]:has-text('Chain')", timeout=30_000)
    _page(j, page, f"{prefix}11-audit")
    ctx.close()
    return j
