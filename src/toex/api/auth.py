"""Users, passwords and sessions.

- Passwords are hashed with argon2id (``argon2-cffi``); the password itself is
  never stored or logged.
- A session token is 32 random bytes (URL-safe text); only its SHA-256 is
  stored, so a copy of the store does not yield usable tokens. Sessions expire
  (default 8 hours) and end at sign-out or when the user is disabled.
- Failed sign-ins are counted per username and client address; after
  ``login_max_failures`` in ``login_window_minutes`` the API answers 429.
- A store has no users until an administrator creates one (``toex user add``);
  ``toex demo`` creates demo users with random passwords and prints them once.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from toex.api.access import CLEARANCES, ROLES, SCOPE_KINDS, User, scope_forces
from toex.errors import ToexError
from toex.store import Store

_hasher = PasswordHasher()
#: Verified against when the username is unknown, so timing does not tell which usernames exist.
_DUMMY_HASH = _hasher.hash("not-a-password-" + secrets.token_hex(8))
MIN_PASSWORD_LENGTH = 12


class UserError(ToexError):
    """A user could not be created or changed (bad role, scope, password)."""


def now() -> datetime:
    """UTC now without tzinfo (the store keeps naive UTC timestamps)."""
    return datetime.now(UTC).replace(tzinfo=None)


def hash_password(password: str) -> str:
    """argon2id hash of a password."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash``."""
    try:
        return bool(_hasher.verify(password_hash, password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def token_hash(token: str) -> str:
    """SHA-256 of a bearer token: what the sessions table keeps."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _check(role: str, scope_kind: str, scope_id: str | None, clearance: str, store: Store) -> None:
    if role not in ROLES:
        raise UserError(f"unknown role {role!r}; expected one of {', '.join(ROLES)}")
    if scope_kind not in SCOPE_KINDS:
        raise UserError(f"unknown scope {scope_kind!r}; expected one of {', '.join(SCOPE_KINDS)}")
    if clearance not in CLEARANCES:
        raise UserError(f"unknown clearance {clearance!r}; expected one of {', '.join(CLEARANCES)}")
    if scope_kind == "force" and not store.scalar("SELECT count(*) FROM ref_forces WHERE force_id = ?", [scope_id]):
        raise UserError(f"unknown force {scope_id!r}; see the force ids in the reference data")
    if scope_kind == "region" and not store.scalar("SELECT count(*) FROM ref_regions WHERE region_id = ?", [scope_id]):
        raise UserError(f"unknown region {scope_id!r}; see the region ids in the reference data")


def add_user(store: Store, username: str, password: str, *, role: str, scope_kind: str,
             scope_id: str | None = None, clearance: str = "OFFICIAL-SENSITIVE", handling_c: bool = False,
             display_name: str | None = None, created_by: str = "cli", demo: bool = False) -> None:
    """Create a user with an argon2 password hash."""
    username = username.strip()
    if not username or len(username) > 64 or not username.replace(".", "").replace("-", "").replace("_", "").isalnum():
        raise UserError("a username is 1-64 letters, digits, '.', '-' or '_'")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    if scope_kind == "national":
        scope_id = None
    _check(role, scope_kind, scope_id, clearance, store)
    if store.scalar("SELECT count(*) FROM users WHERE username = ?", [username]):
        raise UserError(f"user {username!r} exists already")
    store.execute(
        "INSERT INTO users VALUES (?, ?, ?, ?, ?, ?, ?, ?, false, ?, ?, ?)",
        [username, display_name or username, hash_password(password), role, scope_kind, scope_id, clearance,
         handling_c, demo, now(), created_by],
    )


def set_disabled(store: Store, username: str, disabled: bool = True) -> None:
    """Disable (or re-enable) a user; disabling ends their sessions."""
    if not store.scalar("SELECT count(*) FROM users WHERE username = ?", [username]):
        raise UserError(f"no user {username!r}")
    store.execute("UPDATE users SET disabled = ? WHERE username = ?", [disabled, username])
    if disabled:
        store.execute("UPDATE sessions SET revoked = true WHERE username = ?", [username])


def list_users(store: Store) -> list[dict[str, Any]]:
    """Every user, without password hashes."""
    cur = store.execute(
        "SELECT username, display_name, role, scope_kind, scope_id, clearance, handling_c, disabled, demo, "
        "created_at FROM users ORDER BY username"
    )
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]


_FORCES: list[list[tuple[Any, ...]]] = []


def _force_rows(store: Store) -> list[tuple[Any, ...]]:
    """(force_id, region_id) of every force: packaged reference data, read once."""
    if not _FORCES:
        _FORCES.append(store.fetchall("SELECT force_id, region_id FROM ref_forces"))
    return _FORCES[0]


def load_user(store: Store, username: str) -> User | None:
    """An enabled user with the forces of their scope, or None."""
    row = store.execute(
        "SELECT username, display_name, role, scope_kind, scope_id, clearance, handling_c FROM users "
        "WHERE username = ? AND NOT disabled",
        [username],
    ).fetchone()
    return None if row is None else _user(store, row)


def _user(store: Store, row: tuple[Any, ...]) -> User:
    """A :class:`User` from (username, display_name, role, scope_kind, scope_id, clearance, handling_c)."""
    forces = _force_rows(store)
    kind, sid = str(row[3]), row[4]
    scoped = scope_forces(forces, kind, sid)
    regions = tuple(sorted({str(r[1]) for r in forces if r[0] in scoped})) if kind != "national" else ()
    return User(username=str(row[0]), display_name=str(row[1] or row[0]), role=str(row[2]), scope_kind=kind,
                scope_id=None if sid is None else str(sid), clearance=str(row[5]), handling_c=bool(row[6]),
                forces=scoped, region_ids=regions if kind == "region" else ())


class RateLimited(Exception):
    """Too many failed sign-ins for this username and client."""

    def __init__(self, retry_after: int) -> None:
        super().__init__("too many failed sign-ins")
        self.retry_after = retry_after


def login(store: Store, username: str, password: str, client: str, *, session_hours: float,
          max_failures: int, window_minutes: float) -> tuple[str, datetime, User] | None:
    """Check the password and open a session: (token, expires_at, user), or None when refused.

    Raises :class:`RateLimited` when the username+client has too many recent failures.
    """
    at = now()
    since = at - timedelta(minutes=window_minutes)
    failures = store.execute(
        "SELECT count(*), min(attempted_at) FROM login_attempts WHERE username = ? AND client = ? AND NOT success AND attempted_at >= ?",
        [username, client, since],
    ).fetchone()
    if failures is not None and int(failures[0]) >= max_failures:
        oldest = failures[1] or at
        retry = max(1, int((oldest + timedelta(minutes=window_minutes) - at).total_seconds()) + 1)
        raise RateLimited(retry)
    row = store.execute("SELECT password_hash, disabled FROM users WHERE username = ?", [username]).fetchone()
    ok = verify_password(str(row[0]), password) if row else verify_password(_DUMMY_HASH, password)
    ok = ok and row is not None and not bool(row[1])
    store.execute("INSERT INTO login_attempts VALUES (?, ?, ?, ?)", [username, client, at, ok])
    store.execute("DELETE FROM login_attempts WHERE attempted_at < ?", [at - timedelta(days=1)])
    if not ok:
        return None
    user = load_user(store, username)
    if user is None:
        return None
    token = secrets.token_urlsafe(32)
    expires = at + timedelta(hours=session_hours)
    store.execute("INSERT INTO sessions VALUES (?, ?, ?, ?, false)", [token_hash(token), username, at, expires])
    store.execute("DELETE FROM sessions WHERE expires_at < ?", [at - timedelta(days=1)])
    return token, expires, user


def session_user(store: Store, token: str) -> User | None:
    """The enabled user of a live (unexpired, unrevoked) session, or None (one statement per request)."""
    row = store.execute(
        "SELECT u.username, u.display_name, u.role, u.scope_kind, u.scope_id, u.clearance, u.handling_c "
        "FROM sessions s JOIN users u ON u.username = s.username "
        "WHERE s.token_hash = ? AND NOT s.revoked AND s.expires_at > ? AND NOT u.disabled",
        [token_hash(token), now()],
    ).fetchone()
    return None if row is None else _user(store, row)


def logout(store: Store, token: str) -> None:
    """End a session."""
    store.execute("UPDATE sessions SET revoked = true WHERE token_hash = ?", [token_hash(token)])


#: The demo users: (username, role, scope kind, scope id, clearance).
DEMO_USERS: tuple[tuple[str, str, str, str | None, str], ...] = (
    ("analyst.suffolk", "analyst", "force", "suffolk", "OFFICIAL-SENSITIVE"),
    ("analyst.ersou", "analyst", "region", "ersou", "OFFICIAL-SENSITIVE"),
    ("analyst.national", "analyst", "national", None, "SECRET"),
    ("supervisor.ersou", "supervisor", "region", "ersou", "SECRET"),
    ("tasking.ersou", "tasking", "region", "ersou", "SECRET"),
    ("admin", "admin", "national", None, "SECRET"),
)


def create_demo_users(store: Store) -> list[tuple[str, str, str, str]]:
    """Create (or reset the passwords of) the demo users; return (username, password, role, scope) once.

    The passwords are random and are not kept anywhere but their argon2 hashes.
    """
    made: list[tuple[str, str, str, str]] = []
    for username, role, kind, sid, clearance in DEMO_USERS:
        password = secrets.token_urlsafe(12)
        store.execute("DELETE FROM users WHERE username = ? AND demo", [username])
        store.execute("UPDATE sessions SET revoked = true WHERE username = ?", [username])
        if store.scalar("SELECT count(*) FROM users WHERE username = ?", [username]):
            continue  # a real user of that name exists: leave it alone
        add_user(store, username, password, role=role, scope_kind=kind, scope_id=sid, clearance=clearance,
                 display_name=username.replace(".", " ").title(), created_by="toex demo", demo=True)
        made.append((username, password, role, kind if sid is None else f"{kind}:{sid}"))
    return made
