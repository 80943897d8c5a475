"""Who may see and do what: the one place where Hito decides permissions.

A node serves one country. Its users belong to that country's agencies or to the international
organisations working on its side. What a user reads follows from two sets computed here:

- ``own_levels``: sharing levels of this node's own records the user reads
  (``binational`` for everyone; ``national`` and ``humanitarian`` for the node's country;
  ``humanitarian`` for humanitarian agencies and caseworkers);
- ``audiences``: audiences of records received from the peer the user reads (``all`` for
  everyone; ``security`` for police, investigations and immigration; ``humanitarian`` for
  humanitarian agencies and caseworkers). The sharing agreement sets a received record's audience.

:func:`visible_clause` turns them into SQL; the session applies it to every query of a shared
record (``hito.auth.scoping``), so no query can forget it. :meth:`Scope.may_read` is the same rule
for a record already in memory. Writes go through :meth:`Scope.require`.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, or_, true

from hito.agencies.models import AgencyKind
from hito.auth.models import Role
from hito.exc import Forbidden
from hito.records import Audience, SharingLevel
from hito.settings import NODE_TIMEZONES

WRITE_ROLES = frozenset({Role.operator, Role.supervisor, Role.admin, Role.caseworker})
ACTIONS: dict[str, frozenset[Role]] = {
    "read": frozenset(Role),
    "write": WRITE_ROLES,
    "supervise": frozenset({Role.supervisor, Role.admin}),
    "admin": frozenset({Role.admin}),
}
SECURITY_KINDS = frozenset({AgencyKind.police, AgencyKind.investigations, AgencyKind.immigration})


def visible_clause(
    model: Any, node: str, own_levels: Collection[str], audiences: Collection[str]
) -> ColumnElement[bool]:
    """SQL condition: rows of ``model`` (a Scoped table) readable with these sets on ``node``."""
    return or_(
        and_(model.origin_node == node, model.sharing_level.in_(own_levels)),
        and_(model.origin_node != node, model.audience.in_(audiences)),
    )


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
    # Only what both nodes share with every agency (the binational briefing's figures): of
    # this node's records, those of a table at a level the agreement sends with audience
    # "all" — (table, levels) pairs, see hito.exchange.agreements.shared_view; of the peer's,
    # those received with audience "all".
    shared_only: bool = False
    shared_levels: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def humanitarian(self) -> bool:
        """Humanitarian agencies and caseworkers."""
        return self.agency_kind is AgencyKind.humanitarian or Role.caseworker in self.roles

    @property
    def security(self) -> bool:
        """Police, investigations and immigration: the agencies that verify identities."""
        return self.agency_kind in SECURITY_KINDS

    @property
    def sees_protection(self) -> bool:
        """Health and protection details of persons, whatever the record's sharing level."""
        return self.everything or (self.humanitarian and not self.shared_only)

    @property
    def time_zone(self) -> ZoneInfo:
        """Where the user's days begin: their country's zone; the node's for international users."""
        return ZoneInfo(NODE_TIMEZONES[self.country or self.node])

    @property
    def own_levels(self) -> frozenset[SharingLevel]:
        levels = {SharingLevel.binational}
        if self.shared_only:
            return frozenset(levels)
        if self.country == self.node:
            levels |= {SharingLevel.national, SharingLevel.humanitarian}
        if self.humanitarian:
            levels.add(SharingLevel.humanitarian)
        return frozenset(levels)

    @property
    def audiences(self) -> frozenset[Audience]:
        audiences = {Audience.all}
        if self.shared_only:
            return frozenset(audiences)
        if self.security:
            audiences.add(Audience.security)
        if self.humanitarian:
            audiences.add(Audience.humanitarian)
        return frozenset(audiences)

    def visible(self, model: Any) -> ColumnElement[bool]:
        """SQL condition: rows of ``model`` this user may read (the session applies it)."""
        if self.everything:
            return true()
        return visible_clause(model, self.node, sorted(self.own_levels), sorted(self.audiences))

    def may_read(
        self, *, origin_node: str, sharing_level: SharingLevel, audience: Audience | None
    ) -> bool:
        """The same rule as :meth:`visible`, for a record already in memory."""
        if self.everything:
            return True
        if origin_node == self.node:
            return SharingLevel(sharing_level) in self.own_levels
        return audience is not None and Audience(audience) in self.audiences

    def may(self, action: str) -> bool:
        if action == "screen":
            # Alert lists are police matters: humanitarian agencies never query them.
            return self.everything or (
                not self.humanitarian and bool(self.roles & ACTIONS["write"])
            )
        return self.everything or bool(self.roles & ACTIONS[action])

    def require(self, action: str) -> None:
        if not self.may(action):
            raise Forbidden(
                f"your roles do not allow the action {action!r}",
                key="err_roles_forbid",
                params={"action": action},
            )


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
