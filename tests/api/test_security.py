"""Security headers, body size limit, error bodies, logs without personal data, the web app."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.api.world import World, make_world

from toex.api.app import create_app
from toex.api.settings import ApiSettings


@pytest.fixture(scope="module")
def w() -> Iterator[World]:
    world = make_world()
    yield world
    world.db.close()


@pytest.mark.parametrize("path", ["/api/v1/me", "/api/v1/openapi.json", "/", "/networks/N-0001", "/api/nothing"])
def test_security_headers_everywhere(w: World, path: str) -> None:
    r = w.client.get(path, headers=w.headers("suffolk"))
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "http" not in csp
    assert "frame-ancestors 'none'" in csp
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"
    assert "strict-transport-security" not in r.headers


def test_hsts_when_https() -> None:
    w = make_world(ApiSettings(https=True))
    try:
        assert "max-age" in w.client.get("/api/v1/me").headers["strict-transport-security"]
    finally:
        w.db.close()


def test_api_responses_are_not_cached(w: World) -> None:
    assert w.client.get("/api/v1/me", headers=w.headers("suffolk")).headers["cache-control"] == "no-store"


def test_request_body_limit(w: World) -> None:
    big = "x" * (w.settings.max_body_bytes + 10)
    r = w.client.post("/api/v1/auth/login", content=big, headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "too_large"
    assert r.headers["x-frame-options"] == "DENY"

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it streams
        for _ in range(20):
            yield b"y" * (w.settings.max_body_bytes // 10)

    r = w.client.post("/api/v1/auth/login", content=chunks(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413


@pytest.mark.parametrize(("method", "path", "status", "code"), [
    ("GET", "/api/v1/nothing-here", 404, "not_found"),
    ("DELETE", "/api/v1/me", 405, "method_not_allowed"),
    ("GET", "/api/v1/search", 422, "invalid"),
    ("GET", "/api/v1/graph/neighbourhood/P-000001?hops=99", 422, "invalid"),
    ("GET", "/api/v1/networks?page=0", 422, "invalid"),
])
def test_error_bodies_are_consistent(w: World, method: str, path: str, status: int, code: str) -> None:
    r = w.client.request(method, path, headers=w.headers("national"))
    assert r.status_code == status
    body = r.json()
    assert set(body) == {"error"} and body["error"]["code"] == code and body["error"]["message"]


def test_wrong_role_is_403_with_body(w: World) -> None:
    r = w.get("/api/v1/audit", "national")
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"


def test_logs_hold_no_query_strings_tokens_or_passwords(w: World, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    w.get("/api/v1/search", "suffolk", q="Kyle Jones", dob="2009")
    w.client.post("/api/v1/auth/login", json={"username": "suffolk", "password": "a wrong password"})
    text = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith(("httpx", "httpcore")))
    assert "/api/v1/search" in text  # the request is logged ...
    for secret in ("Kyle", "Jones", "2009", w.tokens["suffolk"], "a wrong password", "case 24/123"):
        assert secret not in text  # ... but never what was asked, who, or any credential


def test_server_errors_answer_a_plain_body(w: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from toex.api import queries

    def boom(*_a: object, **_k: object) -> None:
        raise RuntimeError("secret internals P-000002")

    monkeypatch.setattr(queries, "alerts", boom)
    client = TestClient(w.client.app, raise_server_exceptions=False)
    r = client.get("/api/v1/alerts", headers=w.headers("suffolk"))
    assert r.status_code == 500
    assert r.json()["error"]["code"] == "server_error" and "P-000002" not in r.text


def test_web_app_served_with_index_fallback(w: World) -> None:
    r = w.client.get("/networks/N-0001")
    assert r.status_code == 200 and "text/html" in r.headers["content-type"]
    assert w.client.get("/assets/does-not-exist.js").status_code == 404
    assert w.client.get("/../../etc/passwd").status_code in (200, 404)
    assert "root:" not in w.client.get("/..%2f..%2f..%2fetc/passwd").text


def test_unbuilt_web_bundle_page(tmp_path: Path) -> None:
    w = make_world(ApiSettings(static_dir=tmp_path))
    try:
        r = w.client.get("/")
        assert r.status_code == 200 and "not built" in r.text and "npm run build" in r.text
        assert "<script" not in r.text
    finally:
        w.db.close()


def test_create_app_on_a_store_file(tmp_path: Path) -> None:
    app = create_app(ApiSettings(store=tmp_path / "s.duckdb", static_dir=tmp_path))
    client = TestClient(app)
    assert client.get("/api/v1/openapi.json").status_code == 200
    assert client.get("/api/v1/me").status_code == 401
    app.state.db.close()
