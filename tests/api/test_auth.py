"""Sign-in: argon2 hashes, expiring sessions, rate limiting, disabled users, demo users."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from tests.api.world import PASSWORD, World, make_world

from toex.api.app import create_app
from toex.api.auth import add_user, create_demo_users, now, set_disabled, token_hash
from toex.api.db import Database
from toex.api.settings import ApiSettings
from toex.store import audit, open_store

LOGIN = "/api/v1/auth/login"


def test_login_returns_expiring_token_and_user(fresh_world: World) -> None:
    r = fresh_world.client.post(LOGIN, json={"username": "suffolk", "password": PASSWORD})
    assert r.status_code == 200
    body = r.json()
    assert len(body["token"]) >= 40
    assert body["user"]["scope_kind"] == "force" and body["user"]["scope_id"] == "suffolk"
    assert body["expires_at"].endswith("Z")


def test_password_is_stored_as_argon2_hash_and_token_only_hashed(fresh_world: World) -> None:
    store = fresh_world.db.store
    stored = store.scalar("SELECT password_hash FROM users WHERE username = 'suffolk'")
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    token = fresh_world.tokens["suffolk"]
    assert store.scalar("SELECT count(*) FROM sessions WHERE token_hash = ?", [token]) == 0
    assert store.scalar("SELECT count(*) FROM sessions WHERE token_hash = ?", [token_hash(token)]) == 1
    # the password never reaches the audit trail either
    assert store.scalar("SELECT count(*) FROM audit WHERE CAST(detail AS VARCHAR) LIKE ?", [f"%{PASSWORD}%"]) == 0


def test_wrong_password_and_unknown_user_answer_the_same_401(fresh_world: World) -> None:
    a = fresh_world.client.post(LOGIN, json={"username": "suffolk", "password": "wrong password!"})
    b = fresh_world.client.post(LOGIN, json={"username": "nobody", "password": "wrong password!"})
    assert a.status_code == b.status_code == 401
    assert a.json() == b.json()
    assert a.json()["error"]["code"] == "unauthorised"


def test_login_rate_limited_per_username_and_client() -> None:
    w = make_world(ApiSettings(login_max_failures=3, login_window_minutes=10))
    try:
        for _ in range(3):
            assert w.client.post(LOGIN, json={"username": "met", "password": "not the password"}).status_code == 401
        r = w.client.post(LOGIN, json={"username": "met", "password": PASSWORD})
        assert r.status_code == 429
        assert r.json()["error"]["code"] == "rate_limited"
        assert int(r.headers["Retry-After"]) > 0
        # other usernames from the same client are not locked out
        assert w.client.post(LOGIN, json={"username": "suffolk", "password": PASSWORD}).status_code == 200
    finally:
        w.db.close()


def test_no_token_bad_token_and_expired_token_are_401(fresh_world: World) -> None:
    c = fresh_world.client
    assert c.get("/api/v1/me").status_code == 401
    assert c.get("/api/v1/me", headers={"Authorization": "Bearer nonsense"}).status_code == 401
    token = fresh_world.tokens["met"]
    fresh_world.db.store.execute("UPDATE sessions SET expires_at = ? WHERE token_hash = ?",
                                 [now() - timedelta(seconds=1), token_hash(token)])
    r = c.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"] == "Bearer"


def test_session_expiry_setting_is_applied() -> None:
    w = make_world(ApiSettings(session_hours=0.5))
    try:
        r = w.client.post(LOGIN, json={"username": "suffolk", "password": PASSWORD})
        row = w.db.store.execute("SELECT expires_at - created_at FROM sessions WHERE token_hash = ?",
                                 [token_hash(r.json()["token"])]).fetchone()
        assert row is not None and row[0] == timedelta(minutes=30)
    finally:
        w.db.close()


def test_logout_ends_the_session(fresh_world: World) -> None:
    h = fresh_world.headers("ersou")
    assert fresh_world.client.post("/api/v1/auth/logout", headers=h).status_code == 204
    assert fresh_world.client.get("/api/v1/me", headers=h).status_code == 401


def test_disabled_user_loses_sessions_and_cannot_sign_in(fresh_world: World) -> None:
    set_disabled(fresh_world.db.store, "met")
    assert fresh_world.client.get("/api/v1/me", headers=fresh_world.headers("met")).status_code == 401
    assert fresh_world.client.post(LOGIN, json={"username": "met", "password": PASSWORD}).status_code == 401


def test_a_new_store_has_no_users_and_no_default_credentials() -> None:
    store = open_store(None)
    assert store.scalar("SELECT count(*) FROM users") == 0
    db = Database(store, index_check_seconds=3600)
    client = TestClient(create_app(ApiSettings(), db))
    for username, password in (("admin", "admin"), ("admin", "password"), ("toex", "toex")):
        assert client.post(LOGIN, json={"username": username, "password": password}).status_code == 401
    db.close()


def test_demo_users_have_random_passwords_returned_once() -> None:
    store = open_store(None)
    first = create_demo_users(store)
    assert {u[2] for u in first} == {"analyst", "supervisor", "tasking", "admin"}
    assert len({u[1] for u in first}) == len(first)
    second = create_demo_users(store)
    assert {u[1] for u in first}.isdisjoint({u[1] for u in second})  # new passwords each time
    hashes = [r[0] for r in store.fetchall("SELECT password_hash FROM users")]
    assert all(h.startswith("$argon2id$") for h in hashes)
    assert all(not store.scalar("SELECT count(*) FROM users WHERE password_hash = ?", [p]) for _u, p, _r, _s in second)
    store.close()


def test_short_passwords_and_bad_scopes_are_refused() -> None:
    store = open_store(None)
    import pytest

    from toex.api.auth import UserError

    with pytest.raises(UserError):
        add_user(store, "x", "short", role="analyst", scope_kind="national")
    with pytest.raises(UserError):
        add_user(store, "x", PASSWORD, role="analyst", scope_kind="force", scope_id="atlantis")
    with pytest.raises(UserError):
        add_user(store, "x", PASSWORD, role="emperor", scope_kind="national")
    assert audit.verify(store).ok
    store.close()
