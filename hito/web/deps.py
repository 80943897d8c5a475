"""Annotated dependencies: the session, the settings and the asking user's scope."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.orm import Session

from hito.auth import Scope, scope_for_token
from hito.exc import Unauthenticated
from hito.settings import Settings

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_session(request: Request) -> Iterator[Session]:
    session: Session = request.app.state.sessionmaker()
    try:
        yield session
    finally:
        session.close()


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session)]


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
