"""The session applies the asking user's scope to every query of a shared record.

A session is bound to a :class:`~hito.auth.scope.Scope` once, where it is created (the web's
unit of work, the CLI, the exchange); from then on every ORM SELECT touching a
:class:`~hito.records.Scoped` table (every shared record, and the rows that belong to one) —
in the FROM clause, a join, a subquery, a relationship load, a count — carries
:func:`~hito.auth.scope.visible_clause` through SQLAlchemy's ``with_loader_criteria``. A
session bound to nobody sees no shared record at all (fail closed). Rows of a
:class:`~hito.records.ProtectedDetail` table (health and protection details) are returned only
to users who see them (``Scope.sees_protection``).

The way out is explicit and greppable: ``unscoped(session)``, for the few places that must read
everything (the exchange, the audit, linkage over the whole node, migrations, tests on purpose).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any, cast

from sqlalchemy import Table, and_, event, false, or_
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from hito.auth.scope import Scope, visible_clause
from hito.db import Base
from hito.records import Audience, ProtectedDetail, Scoped

_KEY = "hito.scope"
_EVERYTHING = "everything"


def bind(session: Session, scope: Scope) -> Session:
    """Scope every later query of ``session`` to what ``scope`` may read."""
    session.info[_KEY] = _EVERYTHING if scope.everything else scope
    return session


def bound_scope(session: Session) -> Scope | None:
    value = session.info.get(_KEY)
    return value if isinstance(value, Scope) else None


def sees_protection(session: Session) -> bool:
    """Whether queries of this session return health and protection details."""
    value = session.info.get(_KEY)
    return value == _EVERYTHING or (isinstance(value, Scope) and value.sees_protection)


@contextmanager
def _reading_as(session: Session, value: Scope | str) -> Iterator[Session]:
    """The session reads as ``value`` for the block, then as before."""
    previous = session.info.get(_KEY)
    session.info[_KEY] = value
    try:
        yield session
    finally:
        if previous is None:
            session.info.pop(_KEY, None)
        else:
            session.info[_KEY] = previous


def unscoped(session: Session) -> AbstractContextManager[Session]:
    """Read everything on this node, on purpose, for the duration of the block."""
    return _reading_as(session, _EVERYTHING)


def scoped_as(session: Session, scope: Scope) -> AbstractContextManager[Session]:
    """Read as ``scope`` for the duration of the block (a narrower view of the same user: the
    binational briefing reads only what both nodes share)."""
    return _reading_as(session, _EVERYTHING if scope.everything else scope)


_NO_DETAILS = with_loader_criteria(ProtectedDetail, lambda cls: false(), include_aliases=True)


def _shared_only(scope: Scope) -> tuple[Any, ...]:
    """One criterion per scoped table: what the agreement shares with every agency."""
    levels = dict(scope.shared_levels)
    options = []
    for mapper in Base.registry.mappers:
        cls = mapper.class_
        if not issubclass(cls, Scoped):
            continue
        own = list(levels.get(cast(Table, mapper.local_table).name, ()))
        clause = or_(
            and_(cls.origin_node == scope.node, cls.sharing_level.in_(own)) if own else false(),
            and_(cls.origin_node != scope.node, cls.audience == Audience.all.value),
        )
        options.append(with_loader_criteria(cls, clause, include_aliases=True))
    return (*options, _NO_DETAILS)


def _criteria(scope: Scope | None) -> tuple[Any, ...]:
    if scope is not None and scope.shared_only:
        return _shared_only(scope)
    if scope is None:
        return (
            with_loader_criteria(Scoped, lambda cls: false(), include_aliases=True),
            _NO_DETAILS,
        )
    # Plain values, so that the lambda's cached SQL takes them as bound parameters.
    node = scope.node
    own_levels = sorted(level.value for level in scope.own_levels)
    audiences = sorted(audience.value for audience in scope.audiences)
    records = with_loader_criteria(
        Scoped,
        lambda cls: visible_clause(cls, node, own_levels, audiences),
        include_aliases=True,
    )
    return (records,) if scope.sees_protection else (records, _NO_DETAILS)


def _apply_scope(state: ORMExecuteState) -> None:
    if not state.is_select or state.is_column_load or state.is_relationship_load:
        return  # column and relationship loads inherit the criteria of the query that loaded
    value = state.session.info.get(_KEY)
    if value == _EVERYTHING:
        return
    state.statement = state.statement.options(
        *_criteria(value if isinstance(value, Scope) else None)
    )


def install() -> None:
    """Listen on every session (idempotent); ``hito.db.make_sessionmaker`` calls it."""
    if not event.contains(Session, "do_orm_execute", _apply_scope):
        event.listen(Session, "do_orm_execute", _apply_scope)
