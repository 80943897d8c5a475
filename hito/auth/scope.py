"""Who may see and do what: the one place where Hito decides permissions.

Every query of a shared record goes through :meth:`Scope.visible`; every write through
:meth:`Scope.require`. Tests that need to see everything use :func:`unrestricted` on purpose.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, false, or_, true

from hito.agencies.models import AgencyKind
from hito.auth.models import Role
from hito.exc import Forbidden
from hito.records import SharingLevel

WRITE_ROLES = frozenset({Role.operator, Role.supervisor, Role.admin, Role.caseworker})
ACTIONS: dict[str, frozenset[Role]] = {
    "read": frozenset(Role),
    "write": WRITE_ROLES,
    "supervise": frozenset({Role.supervisor, Role.admin}),
    "admin": frozenset({Role.admin}),
}


@dataclass(frozen=True)
class Scope:
    """The asking user as permissions see them."""

    user_id: int | None
    username: str
    agency_code: str
    agency_kind: AgencyKind
    country: str | None  # None: an international organisation
    roles: frozenset[Role]
    node: str
    everything: bool = False

    @property
    def humanitarian(self) -> bool:
        """Humanitarian agencies and caseworkers of either side."""
        return self.agency_kind is AgencyKind.humanitarian or Role.caseworker in self.roles

    @property
    def sees_protection(self) -> bool:
        """Health and protection details of persons, whatever the record's sharing level."""
        return self.everything or self.humanitarian

    @property
    def writing_country(self) -> str:
        """Country a new record belongs to: the user's, or the node's for an international user."""
        return self.country or self.node

    def visible(self, model: Any) -> ColumnElement[bool]:
        """SQL condition: rows of ``model`` (a SharedRecord) this user may read."""
        if self.everything:
            return true()
        level = model.sharing_level
        own = model.origin_node == self.country if self.country else false()
        clauses = [own, level == SharingLevel.binational]
        if self.humanitarian:
            clauses.append(level == SharingLevel.humanitarian)
        return or_(*clauses)

    def may_read(self, *, origin_node: str, sharing_level: SharingLevel) -> bool:
        """The same rule as :meth:`visible`, for a record already in memory."""
        return (
            self.everything
            or origin_node == self.country
            or sharing_level is SharingLevel.binational
            or (sharing_level is SharingLevel.humanitarian and self.humanitarian)
        )

    def may(self, action: str) -> bool:
        if action == "screen":
            # Alert lists are police matters: humanitarian agencies never query them.
            return self.everything or (
                not self.humanitarian and bool(self.roles & ACTIONS["write"])
            )
        return self.everything or bool(self.roles & ACTIONS[action])

    def require(self, action: str) -> None:
        if not self.may(action):
            raise Forbidden(f"your roles do not allow the action {action!r}")


def unrestricted(node: str = "CL") -> Scope:
    """A scope that sees everything: for the CLI's system tasks and for tests, on purpose."""
    return Scope(
        user_id=None,
        username="system",
        agency_code="SYSTEM",
        agency_kind=AgencyKind.ministry,
        country=node,
        roles=frozenset(Role),
        node=node,
        everything=True,
    )
