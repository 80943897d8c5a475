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
    session: SessionDep, settings: SettingsDep, token: Annotated[str | None, Depends(oauth2)]
) -> Scope:
    if not token:
        raise Unauthenticated("missing bearer token: POST /api/v1/auth/token first")
    return scope_for_token(session, token=token, secret_key=settings.secret_key, node=settings.node)


CurrentScope = Annotated[Scope, Depends(get_scope)]
