"""Who may see what: roles, scopes and the record filter every query uses.

The access model (docs/security.md):
- a user's scope is one force, one region (the forces of that region) or
  national (every force, and records that concern no force);
- a record is visible when it concerns a force in the user's scope (see
  :mod:`toex.api.index` for which forces a record concerns), it is not
  handling code C intelligence (unless the user is cleared for C), and its
  source's classification is not above the user's clearance;
- an entity (person, place, object, organisation) or event is visible when
  at least one of its records is visible, and then only its visible records
  are shown; ids of anything not visible answer 404, as if they did not exist.

Every SQL query of the API that touches records goes through
:func:`record_visible` (a predicate over ``api_record_access`` columns) or
:func:`entity_visible_sql` (an EXISTS over ``api_record_access``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from toex.api.index import CLASS_RANKS

ROLES: tuple[str, ...] = ("analyst", "supervisor", "tasking", "admin")
ROLE_RANK: dict[str, int] = {role: i for i, role in enumerate(ROLES)}
SCOPE_KINDS: tuple[str, ...] = ("force", "region", "national")
CLEARANCES: tuple[str, ...] = tuple(CLASS_RANKS)


@dataclass(frozen=True)
class User:
    """A signed-in user, with the forces of their scope resolved."""

    username: str
    display_name: str
    role: str
    scope_kind: str
    scope_id: str | None
    clearance: str
    handling_c: bool
    forces: tuple[str, ...] = field(default_factory=tuple)
    region_ids: tuple[str, ...] = field(default_factory=tuple)

    @property
    def national(self) -> bool:
        return self.scope_kind == "national"

    @property
    def clearance_rank(self) -> int:
        return CLASS_RANKS.get(self.clearance, 0)

    def has_role(self, minimum: str) -> bool:
        """Whether the user's role is ``minimum`` or above (analyst < supervisor < tasking < admin)."""
        return ROLE_RANK.get(self.role, -1) >= ROLE_RANK[minimum]

    def in_scope_force(self, force_id: str | None) -> bool:
        return self.national or (force_id is not None and force_id in self.forces)

    def in_scope_unit(self, unit: str | None) -> bool:
        """A task or network owner unit (force id, region id or 'nca') inside the scope."""
        if self.national:
            return True
        return unit is not None and (unit in self.forces or unit in self.region_ids)


def scope_forces(store_rows: list[tuple[Any, ...]], scope_kind: str, scope_id: str | None) -> tuple[str, ...]:
    """The force ids of a scope, from ``(force_id, region_id)`` rows of ``ref_forces``."""
    if scope_kind == "national":
        return tuple(sorted(str(r[0]) for r in store_rows))
    if scope_kind == "region":
        return tuple(sorted(str(r[0]) for r in store_rows if r[1] == scope_id))
    return tuple(str(r[0]) for r in store_rows if r[0] == scope_id)


def record_visible(user: User, alias: str = "r") -> tuple[str, list[Any]]:
    """SQL predicate (and its parameters) over an ``api_record_access``-shaped row."""
    clauses = [f"{alias}.class_rank <= ?"]
    params: list[Any] = [user.clearance_rank]
    if not user.handling_c:
        clauses.append(f"NOT {alias}.handling_c")
    if not user.national:
        clauses.append(f"list_has_any({alias}.forces, ?::VARCHAR[])")
        params.append(list(user.forces))
    return "(" + " AND ".join(clauses) + ")", params


def entity_visible_sql(user: User, id_expr: str) -> tuple[str, list[Any]]:
    """SQL EXISTS: the entity (or event node) ``id_expr`` has at least one visible record."""
    pred, params = record_visible(user, "va")
    return (f"EXISTS (SELECT 1 FROM api_record_access va WHERE va.entity_id = {id_expr} AND {pred})", params)


def visible_forces(user: User, forces: list[str] | None) -> list[str]:
    """The forces of a list the user may be told about."""
    return [f for f in (forces or []) if user.in_scope_force(f)]
