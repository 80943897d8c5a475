"""Every read of health and protection details is audited by the session itself.

A row of a :class:`~hito.records.ProtectedDetail` table loaded into a session, or a query that
selects columns of one, is noted; when the session commits, one audit entry names the reader,
the table and the rows. Services and routes cannot forget it: they never call it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import ORMExecuteState, Session

from hito.audit import record
from hito.auth.scope import unrestricted
from hito.auth.scoping import bound_scope, sees_protection
from hito.records import ProtectedDetail

_READS = "hito.protected_reads"


def _noted(session: Session) -> dict[str, set[str]]:
    reads: dict[str, set[str]] = session.info.setdefault(_READS, {})
    return reads


def _loaded(session: Session, instance: Any) -> None:
    if isinstance(instance, ProtectedDetail):
        identity = inspect(instance).identity or ()
        table = type(instance).__tablename__  # type: ignore[attr-defined]
        _noted(session).setdefault(table, set()).update(str(part) for part in identity)


def _executed(state: ORMExecuteState) -> None:
    if not state.is_select or not sees_protection(state.session):
        return
    for mapper in state.all_mappers:
        if issubclass(mapper.class_, ProtectedDetail):
            _noted(state.session).setdefault(mapper.local_table.name, set())  # type: ignore[attr-defined]


def _before_commit(session: Session) -> None:
    reads = session.info.pop(_READS, None)
    if not reads:
        return
    bound = bound_scope(session)
    detail: dict[str, object] = {}
    if bound is not None and not bound.sees_protection:
        # Hito's own code read them on this user's behalf (inside ``unscoped``): the user did
        # not see them, the system did.
        scope = unrestricted(bound.node)
        detail["on_behalf_of"] = bound.username
    else:
        scope = bound or unrestricted()
    for table, ids in sorted(reads.items()):
        record(
            session,
            scope=scope,
            action="protection.read",
            object_type=table,
            object_ids=sorted(ids, key=lambda i: (len(str(i)), str(i))),
            detail={"rows": len(ids) or None, **detail},
        )
    session.info.pop(_READS, None)  # the audit's own flush reads nothing protected


def _forget(session: Session, *_args: Any) -> None:
    session.info.pop(_READS, None)


def install() -> None:
    """Listen on every session (idempotent); ``hito.db.make_sessionmaker`` calls it."""
    for name, listener in (
        ("loaded_as_persistent", _loaded),
        ("do_orm_execute", _executed),
        ("before_commit", _before_commit),
        ("after_rollback", _forget),
    ):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
