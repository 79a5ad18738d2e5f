"""Consultation, disclosure and alteration entries of the API (DPA 2018 s.62).

Every entry names the user, the action, the target, the purpose or case
reference the user gave, and the ids of the records returned (capped at
:data:`MAX_IDS`, with the total). Entries go through :func:`toex.store.audit.record`,
so they join the same hash chain that ``toex audit verify`` checks.

Which consultations require a purpose is the hub's policy, kept in the
``api_policy`` table (key ``purpose_required``, a comma list of
:data:`PURPOSE_KINDS`; default person_search, profile, network, export).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from toex.api.access import User
from toex.api.db import Database
from toex.api.errors import ApiError
from toex.store import Store, audit

PURPOSE_KINDS: tuple[str, ...] = (
    "person_search", "search", "profile", "record", "network", "graph", "explain", "export", "audit",
)
DEFAULT_REQUIRED = ("person_search", "profile", "network", "export")
MAX_IDS = 500
MAX_PURPOSE = 500


def purpose_policy(store: Store) -> frozenset[str]:
    """The consultation kinds that need a purpose."""
    value = store.scalar("SELECT value FROM api_policy WHERE key = 'purpose_required'")
    if value is None:
        return frozenset(DEFAULT_REQUIRED)
    return frozenset(p.strip() for p in str(value).split(",") if p.strip())


def set_purpose_policy(store: Store, kinds: Sequence[str]) -> None:
    """Set which consultations need a purpose."""
    unknown = [k for k in kinds if k not in PURPOSE_KINDS]
    if unknown:
        raise ValueError(f"unknown purpose kinds {unknown}; expected some of {', '.join(PURPOSE_KINDS)}")
    store.execute(
        "INSERT INTO api_policy VALUES ('purpose_required', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [",".join(kinds)],
    )


def require_purpose(store: Store, kind: str, purpose: str | None) -> str | None:
    """The purpose, or 428 ``purpose_required`` when the policy needs one and none was given."""
    clean = (purpose or "").strip()[:MAX_PURPOSE] or None
    if clean is None and kind in purpose_policy(store):
        raise ApiError(428, "give the purpose or case reference of this consultation "
                       "(X-Toex-Purpose header or purpose query parameter)",
                       code="purpose_required", detail={"kind": kind})
    return clean


def log(db: Database, user: User, action: str, target: str | None, purpose: str | None,
        returned: Sequence[str] = (), **detail: Any) -> int:
    """Append one entry to the audit chain (under the chain's lock)."""
    ids = list(returned)
    body: dict[str, Any] = {"role": user.role, "scope": user.scope_kind + (f":{user.scope_id}" if user.scope_id else ""),
                            "returned": ids[:MAX_IDS], "returned_total": len(ids), **detail}
    with db.auditor() as store:
        return audit.record(store, user.username, action, target, body, purpose)
