"""Annotated dependencies: settings, the asking user's scope, the unit of work, path ids.

``SessionDep`` is the request's unit of work: a session bound to the caller's scope (every query
of a shared record is scoped by it), committed after the handler returns and before the response
is sent, rolled back when anything fails. Handlers never call ``commit()``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from hito.auth import Scope, scope_for_token
from hito.auth.scoping import bind
from hito.exc import Conflict, Unauthenticated
from hito.fields import MAX_ID
from hito.settings import Settings

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)

PathId = Annotated[int, Path(ge=1, le=MAX_ID, description="A record id of this node")]


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


def get_scope(
    request: Request, settings: SettingsDep, token: Annotated[str | None, Depends(oauth2)]
) -> Scope:
    """The caller's scope, looked up in a short session of its own.

    The request's own session starts only when a service needs it, so that (on SQLite, where
    a transaction takes the write lock at BEGIN) parsing and validating a large body does not
    hold the lock.
    """
    if not token:
        raise Unauthenticated("missing bearer token: POST /api/v1/auth/token first")
    with request.app.state.sessionmaker() as session:
        return scope_for_token(
            session, token=token, secret_key=settings.secret_key, node=settings.node
        )


CurrentScope = Annotated[Scope, Depends(get_scope)]


def unit_of_work(request: Request, scope: Scope | None) -> Iterator[Session]:
    """A session bound to ``scope`` (None: it sees no shared record); commit or roll back."""
    session: Session = request.app.state.sessionmaker()
    if scope is not None:
        bind(session, scope)
    try:
        yield session
        try:
            session.commit()
        except StaleDataError:
            raise Conflict(
                "someone changed this record while you were changing it; reload and try again"
            ) from None
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _scoped_session(request: Request, scope: CurrentScope) -> Iterator[Session]:
    yield from unit_of_work(request, scope)


def _public_session(request: Request) -> Iterator[Session]:
    yield from unit_of_work(request, None)


# scope="function": the commit happens before the response is sent, so a failed commit is the
# caller's error reply, never a 2xx for work that was lost.
SessionDep = Annotated[Session, Depends(_scoped_session, scope="function")]
PublicSessionDep = Annotated[Session, Depends(_public_session, scope="function")]
